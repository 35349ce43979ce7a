"""The benchmarks' results: each figure beside its baseline with a verdict, printed as one table at
the end; the exit code says whether every figure with a target met it."""

from __future__ import annotations


class Verdicts:
    def __init__(self, *, echo: bool = False, info: str = "info") -> None:
        self.rows: list[tuple[str, str, str, str]] = []  # (measure, value, baseline, verdict)
        self.failed = False
        self.echo = echo  # also print each figure as it comes (long runs)
        self.info = info  # the verdict of a figure with no target

    def report(self, measure: str, value: str, baseline: str, ok: bool | None) -> None:
        verdict = self.info if ok is None else ("PASS" if ok else "FAIL")
        self.failed = self.failed or ok is False
        self.rows.append((measure, value, baseline, verdict))
        if self.echo:
            print(f"  {measure}: {value}  [{baseline}] {verdict}", flush=True)

    def print_table(self) -> None:
        head = ("measure", "value", "baseline", "verdict")
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(4)]
        line = "  ".join(f"{{:<{n}}}" for n in widths)
        print(line.format(*head))
        print(line.format(*("-" * n for n in widths)))
        for r in self.rows:
            print(line.format(*r))

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0
