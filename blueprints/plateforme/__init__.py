from blueprints.plateforme.views import bp

__all__ = ["bp"]
