"""The layout holds (README "Layout"): no import cycle in `articles/`, no import up a
floor, no module over 600 lines. Imports are read from the source with `ast`, those
inside functions too, so a cycle cannot hide in one. `migrations/` does not count:
Django writes it, and it keeps naming the paths it was written with."""

import ast
from pathlib import Path

from django.conf import settings

ARTICLES = Path(settings.BASE_DIR) / "articles"
MAX_LINES = 600

# The README's Layout table: a module's floor is that of the longest prefix naming it.
FLOORS = {
    "articles.text": 0,
    "articles.outside": 0,
    "articles.media.images": 0,
    # The models package is floor 1; inside it, each module imports only those
    # before it (README), and the facade, last, imports them all.
    "articles.models.common": 1.0,
    "articles.models.sites": 1.1,
    "articles.models.reference": 1.2,
    "articles.models.parts": 1.3,
    "articles.models.stories": 1.4,
    "articles.models.history": 1.5,
    "articles.models.collaboration": 1.6,
    "articles.models.curation": 1.7,
    "articles.models.readership": 1.8,
    "articles.models.embeds": 1.85,
    "articles.models": 1.9,
    "articles.network": 2,
    "articles.queue": 2,
    "articles.delivery": 3,
    "articles.media": 3,  # renditions.py; images.py is on the bottom floor
    "articles.editorial": 4,
    "articles.seeds": 5,
    "articles.readers": 6,
    "articles.templatetags": 6,
    "articles.admin": 7,
    "articles.management": 8,
    "articles.apps": 8,
    "articles.tasks": 8,
}


def package_modules(package):
    """{dotted name: path} of every module of the package directory, but migrations."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imported_modules(name, path, modules):
    """The package's modules that `name` imports, anywhere in its source.
    `from x import y` imports the module x.y when there is one, else takes y from x."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x, from ..text import y
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module
            for alias in node.names:
                if f"{source}.{alias.name}" in modules:
                    imported.add(f"{source}.{alias.name}")
                elif source in modules:
                    imported.add(source)
    imported.discard(name)
    return imported


def import_graph(package):
    modules = package_modules(package)
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def import_cycles(graph):
    """One cycle per strongly connected group of modules, as `a -> b -> a`."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = set()
            while module not in group:
                group.add(stack.pop())
            on_stack.difference_update(group)
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(" -> ".join(shortest_cycle(graph, group)) for group in groups)


def shortest_cycle(graph, group):
    """The shortest way from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    for module in queue:
        for target in sorted(graph[module] & group):
            if target == start:
                return [*paths[module], start]
            if target not in paths:
                paths[target] = [*paths[module], target]
                queue.append(target)
    raise AssertionError(f"{sorted(group)} is not a cycle")


def floor_of(module, floors):
    names = [prefix for prefix in floors if module == prefix or module.startswith(prefix + ".")]
    if names:
        return floors[max(names, key=len)]
    if "." not in module:  # the app package itself holds every floor
        return max(floors.values())
    return None


def floor_breaches(graph, floors):
    """Imports that go up a floor, and modules the table gives no floor."""
    breaches = []
    for module in sorted(graph):
        floor = floor_of(module, floors)
        if floor is None:
            breaches.append(f"{module} has no floor: add it to the Layout table")
            continue
        for target in sorted(graph[module]):
            target_floor = floor_of(target, floors)
            if target_floor is not None and target_floor > floor:
                breaches.append(f"{module} (floor {floor}) imports {target} (floor {target_floor})")
    return breaches


def long_modules(package, max_lines=MAX_LINES):
    return [
        f"{path.relative_to(package.parent)}: {length} lines (at most {max_lines})"
        for path in package_modules(package).values()
        if (length := len(path.read_text().splitlines())) > max_lines
    ]


def test_articles_has_no_import_cycle():
    assert import_cycles(import_graph(ARTICLES)) == []


def test_every_import_goes_to_the_same_floor_or_below():
    assert floor_breaches(import_graph(ARTICLES), FLOORS) == []


def test_no_module_of_articles_is_over_600_lines():
    assert long_modules(ARTICLES) == []


def write_package(root, files):
    for name, text in files.items():
        path = root / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "articles"


def test_the_graph_resolves_relative_imports_and_submodules_taken_from_a_package(tmp_path):
    package = write_package(tmp_path, {
        "__init__.py": "",
        "text.py": "import os\n",
        "wing/__init__.py": "from .work import job\n",
        "wing/work.py": "from .. import text\nfrom ..text import split\nfrom . import helper\n",
        "wing/helper.py": "def later():\n    from articles.wing import job\n",
        "migrations/0001_initial.py": "from articles import wing\n",
    })  # fmt: skip

    assert import_graph(package) == {
        "articles": set(),
        "articles.text": set(),
        "articles.wing": {"articles.wing.work"},
        "articles.wing.work": {"articles.text", "articles.wing.helper"},
        "articles.wing.helper": {"articles.wing"},
    }


def test_a_cycle_is_found_through_an_import_inside_a_function_and_named(tmp_path):
    package = write_package(tmp_path, {
        "__init__.py": "",
        "a.py": "from articles import b\n",
        "b.py": "def later():\n    from .c import thing\n",
        "c.py": "import articles.a\n",
        "d.py": "from articles import a\n",
    })  # fmt: skip

    assert import_cycles(import_graph(package)) == [
        "articles.a -> articles.b -> articles.c -> articles.a"
    ]


def test_an_upward_import_and_a_module_without_a_floor_are_named(tmp_path):
    package = write_package(tmp_path, {
        "__init__.py": "",
        "low.py": "def later():\n    from articles.high import view\n",
        "high.py": "from articles.low import thing\n",
        "stray.py": "",
    })  # fmt: skip

    assert floor_breaches(import_graph(package), {"articles.low": 0, "articles.high": 1}) == [
        "articles.low (floor 0) imports articles.high (floor 1)",
        "articles.stray has no floor: add it to the Layout table",
    ]


def test_inside_the_models_package_a_module_importing_a_later_one_or_the_facade_is_named():
    graph = {
        "articles.models": {"articles.models.common", "articles.models.stories"},
        "articles.models.common": {"articles.models.stories"},
        "articles.models.stories": {"articles.models"},
    }
    floors = {k: v for k, v in FLOORS.items() if k.startswith("articles.models")}

    assert floor_breaches(graph, floors) == [
        "articles.models.common (floor 1.0) imports articles.models.stories (floor 1.4)",
        "articles.models.stories (floor 1.4) imports articles.models (floor 1.9)",
    ]


def test_a_module_over_the_limit_is_named_with_its_length(tmp_path):
    package = write_package(tmp_path, {
        "__init__.py": "",
        "short.py": "x = 1\n" * MAX_LINES,
        "long.py": "x = 1\n" * (MAX_LINES + 1),
        "migrations/0001_initial.py": "x = 1\n" * 2000,
    })  # fmt: skip

    assert long_modules(package) == ["articles/long.py: 601 lines (at most 600)"]
