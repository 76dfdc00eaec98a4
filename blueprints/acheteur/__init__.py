from blueprints.acheteur.views import bp

__all__ = ["bp"]
