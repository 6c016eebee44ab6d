"""Building the site's sources: validated catalogue -> files under docs/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import catalogue as cat
from .related import related
from .render import SiteSettings, render_site, summary, write_tree
from .search_index import build_index, documents, terms

STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class BuildReport:
    catalogue: cat.Catalogue
    written: list[str]
    deleted: list[str]
    total: int


def default_sources(root: Path) -> cat.Sources:
    return cat.Sources(
        seeds=root / "seeds", taxonomy=root / "data" / "taxonomy.yaml", curation=root / "data" / "curation.yaml"
    )


def site_settings(root: Path) -> SiteSettings:
    """What the pages need from mkdocs.yml, read with MkDocs' own loader."""
    config_file = root / "mkdocs.yml"
    if not config_file.exists():
        return SiteSettings()
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    return SiteSettings(listing_edit_url=config.extra.get("listing_edit_url"))


def static_files() -> dict[str, str]:
    return {
        p.relative_to(STATIC).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(STATIC.rglob("*"))
        if p.is_file()
    }


def build_docs(sources: cat.Sources, docs: Path, settings: SiteSettings) -> BuildReport:
    """Validate everything, then write docs/. docs/ belongs to the generator: stray files go."""
    catalogue = cat.load(sources)
    # Each paper's terms, computed once: related papers and the search index both use them.
    paper_terms = {p.slug: (terms(p.title), terms(p.abstract)) for p in catalogue.papers}
    neighbours = related([paper_terms[p.slug] for p in catalogue.papers])
    files = render_site(catalogue, settings, neighbours)
    files.update(static_files())
    files.update(build_index(documents(catalogue, summary, paper_terms)))
    written, deleted = write_tree(files, docs, owned=(".",))
    return BuildReport(catalogue, written, deleted, len(files))
