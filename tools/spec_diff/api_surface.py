"""The public API of a generated package, read with ast (nothing is imported), and how two differ.

Used by ``make spec-diff`` to compare the checked-in generated/ package with a regeneration from
the new description: what a user's code imports, constructs and calls. Per public module: classes
(bases, fields, methods), functions, type aliases with their value, constants and re-exports.
"""

import ast
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tools import paths
from tools.spec_diff import Change, SpecDiffError

# Subscripted names that make a module-level assignment a type alias rather than a constant.
_TYPE_FORMS = frozenset(
    {"Literal", "Union", "Optional", "Annotated", "Callable", "Mapping", "Sequence", "dict", "list", "tuple", "set",
     "frozenset", "type"}
)  # fmt: skip


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # positional-only, positional-or-keyword, variadic, keyword-only, variadic keyword
    has_default: bool
    annotation: str | None


@dataclass(frozen=True)
class Signature:
    flavour: str  # function, async function, method, async method, classmethod, staticmethod, property
    params: tuple[Param, ...]  # without self / cls
    returns: str | None


@dataclass(frozen=True)
class Field:
    annotation: str
    has_default: bool
    init: bool  # a constructor argument of the attrs class


@dataclass(frozen=True)
class ClassApi:
    bases: tuple[str, ...]
    fields: Mapping[str, Field]
    methods: Mapping[str, Signature]
    from_fields: bool  # an attrs class or dataclass: its constructor takes the fields
    keyword_only: bool  # ``define(kw_only=True)``: field order does not matter to callers


@dataclass(frozen=True)
class NameApi:
    kind: str  # type alias, constant, re-export
    text: str | None  # the alias's value, the constant's annotation, the re-export's origin


# Decorators (any name in their text) whose class gets an __init__ taking its annotated fields.
_FIELD_CLASS_DECORATORS = frozenset({"define", "_attrs_define", "frozen", "mutable", "attrs", "s", "dataclass"})

Symbol = ClassApi | Signature | NameApi
Surface = dict[str, dict[str, Symbol]]  # module -> public name -> what it is


# ---------------------------------------------------------------------------------------------
# Reading


def extract_api(package_dir: Path, package: str | None = None) -> Surface:
    """The public API of the package in package_dir; module names start with package (default:
    the directory's name). Modules and names starting with ``_`` are private and left out."""
    package = package or package_dir.name
    surface: Surface = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if "__pycache__" in path.parts or any(part.startswith("_") for part in parts):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (OSError, UnicodeDecodeError, SyntaxError) as err:
            raise SpecDiffError(f"cannot read the public API of {path}: {err}") from err
        surface[".".join([package, *parts])] = _module(tree)
    return surface


def _text(node: ast.expr | None) -> str | None:
    return None if node is None else ast.unparse(node)


def _module(tree: ast.Module) -> dict[str, Symbol]:
    defined: dict[str, Symbol] = {}
    imported: dict[str, str] = {}
    exported: list[str] | None = None
    for statement in _top_level(tree):
        if isinstance(statement, ast.ClassDef):
            defined[statement.name] = _class(statement)
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            if _setter_or_deleter(statement) is None:
                defined[statement.name] = _signature(statement, in_class=False)
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name) and target.id == "__all__":
                    exported = _names(statement.value)
                elif isinstance(target, ast.Name):
                    defined[target.id] = _assignment(statement.value, None)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            defined[statement.target.id] = _assignment(statement.value, statement.annotation)
        elif isinstance(statement, ast.ImportFrom):
            origin = "." * statement.level + (statement.module or "")
            for alias in statement.names:
                separator = "." if statement.module else ""
                imported[alias.asname or alias.name] = f"{origin}{separator}{alias.name}"
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                imported[alias.asname or alias.name.split(".")[0]] = alias.name
    # With __all__ the module says what it offers (re-exports included); without it, what it
    # defines itself is its API and what it imports is not.
    public = exported if exported is not None else [name for name in defined if not name.startswith("_")]
    return {name: defined.get(name) or NameApi("re-export", imported.get(name)) for name in public}


def _top_level(tree: ast.Module) -> list[ast.stmt]:
    """The module's statements, with those under ``if TYPE_CHECKING:`` in place of the ``if``: a
    package that imports its names lazily declares them there for type checkers, so they are
    its re-exports all the same."""
    statements: list[ast.stmt] = []
    for statement in tree.body:
        if isinstance(statement, ast.If) and _text(statement.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            statements.extend(statement.body)
        else:
            statements.append(statement)
    return statements


def _names(node: ast.expr) -> list[str]:
    if isinstance(node, ast.List | ast.Tuple):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _assignment(value: ast.expr | None, annotation: ast.expr | None) -> NameApi:
    if annotation is not None and _text(annotation) in ("TypeAlias", "typing.TypeAlias"):
        return NameApi("type alias", _text(value))
    if annotation is None and value is not None and _is_type_expression(value):
        return NameApi("type alias", _text(value))
    return NameApi("constant", _text(annotation))


def _is_type_expression(node: ast.expr) -> bool:
    if isinstance(node, ast.Subscript):
        base = node.value
        name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""
        return name in _TYPE_FORMS
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return all(isinstance(side, ast.Name | ast.Attribute | ast.Subscript | ast.BinOp | ast.Constant)
                   for side in (node.left, node.right))  # fmt: skip
    return False


def _class(node: ast.ClassDef) -> ClassApi:
    decorators = [ast.unparse(d) for d in node.decorator_list]
    fields: dict[str, Field] = {}
    methods: dict[str, Signature] = {}
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            name, annotation = statement.target.id, ast.unparse(statement.annotation)
            if name.startswith("_") or annotation.startswith(("ClassVar", "typing.ClassVar")):
                continue
            fields[name] = Field(annotation, *_field_default(statement.value))
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            public = not statement.name.startswith("_") or _is_dunder(statement.name)
            if public and _setter_or_deleter(statement) is None:
                methods[statement.name] = _signature(statement, in_class=True)
    return ClassApi(
        bases=tuple(ast.unparse(base) for base in node.bases),
        fields=fields,
        methods=methods,
        from_fields=any(_FIELD_CLASS_DECORATORS.intersection(re.findall(r"\w+", d)) for d in decorators),
        keyword_only=any("kw_only=True" in d for d in decorators),
    )


def _field_default(value: ast.expr | None) -> tuple[bool, bool]:
    """(has a default, is a constructor argument) of a class-level annotated attribute."""
    if value is None:
        return False, True
    called = ast.unparse(value.func).rsplit(".", 1)[-1].lstrip("_") if isinstance(value, ast.Call) else ""
    if isinstance(value, ast.Call) and called in ("field", "attrs_field", "ib", "attrib"):
        keywords = {k.arg: k.value for k in value.keywords if k.arg}
        init = keywords.get("init")
        is_init = not (isinstance(init, ast.Constant) and init.value is False)
        return bool({"default", "factory", "default_factory"} & keywords.keys()), is_init
    return True, True


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


def _setter_or_deleter(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Attribute) and decorator.attr in ("setter", "deleter"):
            return decorator.attr
    return None


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef, *, in_class: bool) -> Signature:
    decorators = {ast.unparse(d).rsplit(".", 1)[-1] for d in node.decorator_list}
    is_async = isinstance(node, ast.AsyncFunctionDef)
    if not in_class:
        flavour = "async function" if is_async else "function"
    elif decorators & {"property", "cached_property"}:
        flavour = "property"
    elif decorators & {"classmethod", "staticmethod"}:
        flavour = "classmethod" if "classmethod" in decorators else "staticmethod"
    else:
        flavour = "async method" if is_async else "method"
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults = [False] * (len(positional) - len(args.defaults)) + [True] * len(args.defaults)
    kinds = ["positional-only"] * len(args.posonlyargs) + ["positional-or-keyword"] * len(args.args)
    params = [
        Param(arg.arg, kind, default, _text(arg.annotation))
        for arg, kind, default in zip(positional, kinds, defaults, strict=True)
    ]
    if args.vararg is not None:
        params.append(Param(args.vararg.arg, "variadic", True, _text(args.vararg.annotation)))
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(Param(arg.arg, "keyword-only", kw_default is not None, _text(arg.annotation)))
    if args.kwarg is not None:
        params.append(Param(args.kwarg.arg, "variadic keyword", True, _text(args.kwarg.annotation)))
    if in_class and flavour != "staticmethod" and params and params[0].kind.startswith("positional"):
        params = params[1:]  # self or cls
    return Signature(flavour, tuple(params), _text(node.returns))


# ---------------------------------------------------------------------------------------------
# Comparing


def _describe(symbol: Symbol) -> str:
    if isinstance(symbol, ClassApi):
        return "a class"
    if isinstance(symbol, Signature):
        return f"a {symbol.flavour}"
    return f"a {symbol.kind}"


class _ApiDiffer:
    def __init__(self) -> None:
        self.changes: list[Change] = []

    def add(self, kind: str, where: str, detail: str, *, breaking: bool) -> None:
        self.changes.append(Change(kind=kind, where=where, detail=detail, breaking=breaking))

    def run(self, old: Surface, new: Surface) -> list[Change]:
        for module in sorted(old.keys() | new.keys()):
            if module not in new:
                self.add("api-removed", module, f"module removed ({len(old[module])} public names)", breaking=True)
            elif module not in old:
                self.add("api-added", module, "new module", breaking=False)
            else:
                self._module(module, old[module], new[module])
        return sorted(self.changes, key=Change.sort_key)

    def _module(self, module: str, old: Mapping[str, Symbol], new: Mapping[str, Symbol]) -> None:
        for name in sorted(old.keys() | new.keys()):
            where = f"{module}.{name}"
            if name not in new:
                self.add("api-removed", where, f"{_describe(old[name])} removed", breaking=True)
            elif name not in old:
                self.add("api-added", where, f"new: {_describe(new[name])}", breaking=False)
            else:
                self._symbol(where, old[name], new[name])

    def _symbol(self, where: str, old: Symbol, new: Symbol) -> None:
        if _describe(old) != _describe(new) and not (isinstance(old, Signature) and isinstance(new, Signature)):
            self.add("api-changed", where, f"was {_describe(old)}, now {_describe(new)}", breaking=True)
        elif isinstance(old, ClassApi) and isinstance(new, ClassApi):
            self._class(where, old, new)
        elif isinstance(old, Signature) and isinstance(new, Signature):
            self._signature(where, old, new)
        elif isinstance(old, NameApi) and isinstance(new, NameApi) and old.text != new.text:
            self._name(where, old, new)

    def _name(self, where: str, old: NameApi, new: NameApi) -> None:
        if old.kind == "re-export":
            self.add("api-changed", where, f"now re-exported from {new.text}, was {old.text}", breaking=False)
            return
        if old.kind == "type alias":
            before, after = _literal_values(old.text), _literal_values(new.text)
            if before is not None and after is not None:
                removed = [v for v in before if v not in after]
                added = [v for v in after if v not in before]
                if removed:
                    self.add("api-changed", where, f"Literal values removed: {', '.join(removed)}", breaking=True)
                if added:
                    self.add("api-added", where, f"Literal values added: {', '.join(added)}", breaking=False)
                return
        what = "annotation" if old.kind == "constant" else "value"
        self.add("api-changed", where, f"{what} was {old.text}, now {new.text}", breaking=True)

    def _class(self, where: str, old: ClassApi, new: ClassApi) -> None:
        lost = [base for base in old.bases if base not in new.bases]
        if old.bases != new.bases:
            detail = f"bases were ({', '.join(old.bases)}), now ({', '.join(new.bases)})"
            self.add("api-changed", f"{where}:bases", detail, breaking=bool(lost))
        constructor = new.from_fields and "__init__" not in new.methods
        for name in sorted(old.fields.keys() | new.fields.keys()):
            self._field(f"{where}.{name}", old.fields.get(name), new.fields.get(name), constructor)
        before = [n for n, f in old.fields.items() if f.init and n in new.fields and new.fields[n].init]
        after = [n for n, f in new.fields.items() if f.init and n in old.fields and old.fields[n].init]
        if constructor and before != after and not new.keyword_only:
            detail = f"positional order of constructor arguments changed: {', '.join(before)} -> {', '.join(after)}"
            self.add("api-changed", f"{where}.__init__", detail, breaking=True)
        for name in sorted(old.methods.keys() | new.methods.keys()):
            method = f"{where}.{name}"
            if name not in new.methods:
                self.add("api-removed", method, f"{old.methods[name].flavour} removed", breaking=True)
            elif name not in old.methods:
                self.add("api-added", method, f"new {new.methods[name].flavour}", breaking=False)
            else:
                self._signature(method, old.methods[name], new.methods[name])

    def _field(self, where: str, old: Field | None, new: Field | None, constructor: bool) -> None:
        """constructor: the class's __init__ takes its fields, so defaults and init matter too."""
        if new is None:
            self.add("api-removed", where, "field removed", breaking=True)
            return
        if old is None:
            required = constructor and new.init and not new.has_default
            detail = "new required field (a constructor argument without default)" if required else "new field"
            self.add("api-added", where, detail, breaking=required)
            return
        problems = []
        if old.annotation != new.annotation:
            problems.append(f"type was {old.annotation}, now {new.annotation}")
        if constructor and old.init and not new.init:
            problems.append("no longer a constructor argument")
        elif constructor and new.init and old.has_default and not new.has_default:
            problems.append("no longer has a default: now a required constructor argument")
        if problems:
            self.add("api-changed", where, "; ".join(problems), breaking=True)
        elif constructor and new.init and (not old.init or (new.has_default and not old.has_default)):
            self.add("api-changed", where, "now an optional constructor argument", breaking=False)

    def _signature(self, where: str, old: Signature, new: Signature) -> None:
        if old.flavour != new.flavour:
            self.add("api-changed", where, f"was a {old.flavour}, now a {new.flavour}", breaking=True)
            return
        old_by_name = {p.name: p for p in old.params}
        new_by_name = {p.name: p for p in new.params}
        old_positions = [p.name for p in old.params if p.kind.startswith("positional")]
        new_positions = [p.name for p in new.params if p.kind.startswith("positional")]
        renamed: set[str] = set()
        for index, param in enumerate(old.params):
            here = f"{where}({param.name})"
            after = new_by_name.get(param.name)
            if after is None:
                twin = new.params[index] if index < len(new.params) else None
                if twin is not None and twin.name not in old_by_name and twin.kind == param.kind:
                    renamed.add(twin.name)
                    self.add("api-changed", here, f"parameter renamed to {twin.name}", breaking=True)
                else:
                    self.add("api-removed", here, f"{param.kind} parameter removed", breaking=True)
                continue
            problems = []
            if param.kind != after.kind:
                problems.append(f"was {param.kind}, now {after.kind}")
            if param.annotation != after.annotation:
                problems.append(f"annotation was {param.annotation}, now {after.annotation}")
            if param.has_default and not after.has_default:
                problems.append("no longer has a default")
            if param.name in old_positions and param.name in new_positions:
                was, now = old_positions.index(param.name), new_positions.index(param.name)
                if was != now:
                    problems.append(f"moved from position {was + 1} to {now + 1}")
            if problems:
                self.add("api-changed", here, "; ".join(problems), breaking=True)
            elif after.has_default and not param.has_default:
                self.add("api-changed", here, "now has a default", breaking=False)
        for param in new.params:
            if param.name in old_by_name or param.name in renamed:
                continue
            required = not param.has_default
            detail = f"new {param.kind} parameter " + ("without a default" if required else "with a default")
            self.add("api-added", f"{where}({param.name})", detail, breaking=required)
        if old.returns != new.returns:
            self.add("api-changed", f"{where}:return", f"returned {old.returns}, now {new.returns}", breaking=True)


def _literal_values(text: str | None) -> list[str] | None:
    """The members of ``Literal[...]`` as source text, or None if text is not one Literal."""
    if text is None:
        return None
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(node, ast.Subscript) and ast.unparse(node.value).rsplit(".", 1)[-1] == "Literal"):
        return None
    members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return [ast.unparse(member) for member in members]


def diff_api(old: Surface, new: Surface) -> list[Change]:
    """What a user of the old package would notice in the new one, sorted (breaking first)."""
    return _ApiDiffer().run(old, new)


def diff_against_regeneration(
    tree: Path,
    spec: Path,
    repo: paths.Layout = paths.HERE,
) -> list[Change]:
    """The public API of the package in tree compared with a fresh regeneration from spec (with the
    generator config, templates and runtime of repo), rendered into a temporary directory:
    generated/ is never written."""
    from tools.codegen.generate import GenerationError, render  # imports the generator: only when needed

    if not tree.is_dir():
        raise SpecDiffError(f"no generated package at {tree}")
    old = extract_api(tree, paths.PACKAGE_NAME)
    with tempfile.TemporaryDirectory(prefix="spec-diff-") as scratch:
        out = Path(scratch) / "out"
        try:
            render(out, spec=spec, config_path=repo.generator_config, templates=repo.templates, runtime=repo.runtime)
        except GenerationError as err:
            raise SpecDiffError(f"cannot regenerate the client from {spec}: {err}") from err
        new = extract_api(out / paths.PACKAGE_NAME, paths.PACKAGE_NAME)
    return diff_api(old, new)
