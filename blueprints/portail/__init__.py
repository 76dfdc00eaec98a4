from blueprints.portail.views import bp

__all__ = ["bp"]
