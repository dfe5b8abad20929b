#!/usr/bin/env python3
"""`cvc5 --lang smt` for the PyPI wheel of cvc5, which ships the library but no executable.

`snapback prove` and `snapback diff` drive the solver the way Cedar's SymCC does: SMT-LIB
commands on stdin, one answer per `(check-sat)` and `(get-model)` on stdout, errors as
`(error "...")`. This launcher reads stdin, cuts it into whole commands (balanced parentheses,
outside strings, quoted symbols and comments), runs each through cvc5's own SMT-LIB parser and
command interpreter, and prints what the command prints, flushed at once.

Options the cvc5 executable takes as `--name=value` (or `--name value`) are set on the solver;
`--lang smt` is the only input language; `--version` prints the wheel's version.
It runs under the interpreter of the venv that `scripts/cvc5.sh` installs the wheel into.
"""

import sys

import cvc5


def options(argv):
    """The solver options of a cvc5 command line, as (name, value) pairs."""
    out = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if not arg.startswith("--"):
            raise SystemExit(f"cvc5-launcher: input files are not supported ({arg}); use stdin")
        name, eq, value = arg[2:].partition("=")
        if not eq:
            if i < len(argv) and not argv[i].startswith("--"):
                value = argv[i]
                i += 1
            else:
                value = "true"
        out.append((name, value))
    return out


def commands(stream):
    """Whole SMT-LIB commands from a stream of text, as soon as each is complete."""
    buf = []
    depth = 0
    in_string = in_symbol = in_comment = False
    for line in stream:
        for ch in line:
            buf.append(ch)
            if in_comment:
                in_comment = ch != "\n"
            elif in_string:
                in_string = ch != '"'  # a doubled "" closes and reopens: same state after
            elif in_symbol:
                in_symbol = ch != "|"
            elif ch == ";":
                in_comment = True
            elif ch == '"':
                in_string = True
            elif ch == "|":
                in_symbol = True
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    yield "".join(buf)
                    buf = []
    rest = "".join(buf).strip()
    if rest and not all(part.lstrip().startswith(";") for part in rest.splitlines() if part.strip()):
        yield rest


def smt_string(text):
    return '"' + text.replace('"', '""') + '"'


def main():
    argv = sys.argv[1:]
    if "--version" in argv:
        print(f"This is cvc5 version {cvc5.__version__} [PyPI wheel, scripts/cvc5-launcher.py]")
        return 0
    if "--lang" in argv:
        at = argv.index("--lang")
        lang = argv[at + 1] if at + 1 < len(argv) else ""
        if lang not in ("smt", "smt2", "smtlib2.6", "smt2.6"):
            raise SystemExit(f"cvc5-launcher: only --lang smt is supported, not {lang!r}")
        del argv[at : at + 2]
    opts = options(argv)

    def fresh():
        """A new solver with the command line's options, as `(reset)` asks for."""
        tm = cvc5.TermManager()
        solver = cvc5.Solver(tm)
        for name, value in opts:
            solver.setOption(name, value)
        symbols = cvc5.SymbolManager(tm)
        return tm, solver, symbols, cvc5.InputParser(solver, symbols)

    # The term manager is kept alive beside the solver that uses it.
    _tm, solver, symbols, parser = fresh()
    for text in commands(sys.stdin):
        # One string input per command: the declarations live in the symbol manager, which
        # every input shares. (The wheel's incremental string input refuses to append.)
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, "<stdin>")
        while True:
            try:
                command = parser.nextCommand()
            except RuntimeError as err:
                # As the executable does: a parse error ends the session.
                sys.stdout.write(f"(error {smt_string('Parse Error: ' + str(err))})\n")
                sys.stdout.flush()
                return 1
            if command.isNull():
                break
            shown = str(command).strip()
            if shown == "(exit)":
                return 0
            if shown == "(reset)":
                # The executable starts over with a new solver and symbol table; the API's
                # reset leaves the logic set, so a second `(set-logic ...)` would fail.
                _tm, solver, symbols, parser = fresh()
                break
            try:
                out = command.invoke(solver, symbols)
            except RuntimeError as err:
                out = f"(error {smt_string(str(err))})\n"
            if out:
                sys.stdout.write(out)
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
