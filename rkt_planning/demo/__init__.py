# Demo-only code, imported by hooks.post_init_hook when demo data is loaded;
# the addon's __init__ does not import this package.
