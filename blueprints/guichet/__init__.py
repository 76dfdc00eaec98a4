from blueprints.guichet.views import bp

__all__ = ["bp"]
