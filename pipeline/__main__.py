"""``python -m pipeline`` runs the ``glossa`` command."""

from pipeline.cli import main

if __name__ == "__main__":
    main()
