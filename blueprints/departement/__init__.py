from blueprints.departement.views import bp

__all__ = ["bp"]
