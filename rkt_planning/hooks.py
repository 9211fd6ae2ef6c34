def post_init_hook(env):
    """Build the demo plans when the module is installed with demo data.

    The builder (``demo/rkt_demo.py``) runs the real procedure as the demo users,
    so it needs the demo records of every ``demo/*.xml`` file, loaded just before
    this hook.  It is imported here only: it is no part of a database without demo.
    """
    if env.ref("base.module_rkt_planning").demo:
        from .demo.rkt_demo import create_demo_plans

        create_demo_plans(env)
        from .demo.rkt_pk_demo import create_demo_pks

        create_demo_pks(env)
