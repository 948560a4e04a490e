"""The pages of the review app, one module each; each exposes ``render(ctx)``."""
