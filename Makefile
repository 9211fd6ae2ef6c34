# The two commands of README.md; the logic is in scripts/setup.sh.
# No `make` yet on a bare Debian? `bash scripts/setup.sh demo` is the same.

.PHONY: demo test help

help:
	@echo "make demo   set up what is missing, create the demo database once, serve it on http://localhost:8069"
	@echo "make test   the same set-up, then the static checks and the Odoo suite (python -m pytest tests -v)"
	@echo "(scripts/setup.sh --help: what the set-up does and its environment variables)"

demo:
	@bash scripts/setup.sh demo

test:
	@bash scripts/setup.sh test
