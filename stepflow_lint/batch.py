"""How a short-lived batch run treats the garbage collector (no imports: the CLI calls it first)."""


def use_batch_gc() -> None:
    """Switch the cyclic garbage collector off for a short-lived batch process.

    A lint allocates a few hundred thousand objects per 10 000 steps, none of
    them garbage until the file is done and almost all freed by reference
    counting; a collector pass over them costs more than the rules. The CLI
    (and the benchmark, to measure what the CLI does) call this; a long-lived
    process such as the language server keeps the collector on.
    """
    import gc
    gc.disable()
