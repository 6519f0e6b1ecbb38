"""The bounded contexts. Each is a small hexagon; they meet only through `public` packages."""
