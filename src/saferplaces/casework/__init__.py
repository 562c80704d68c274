"""The casework engine: the law and local policy of the partnership's case work, as dated
configuration and pure rules (no Django). The web app's case apps call it; it calls nothing
above it."""
