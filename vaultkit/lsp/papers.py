"""One paper's facts: its bibliography entry, its notes, and its reading history.

The reading history is the index's own (:func:`vaultkit.index.collect.collect` over the
sessions that cite the key, :func:`vaultkit.index.render.status`), so the hover, the
``vaultkit.paper`` command and the generated index note never disagree.
"""

from __future__ import annotations

from typing import Any

from vaultkit.lsp.workspace import LiveVault



def short_authors(authors: tuple[str, ...]) -> str:
    """``Hu et al.``, ``Hu & Shen``, ``Hu``: family names as a reference list writes them."""
    families = [a.split(",")[0].strip() for a in authors if a.strip()]
    if not families:
        return ""
    if len(families) == 1:
        return families[0]
    if len(families) == 2:
        return f"{families[0]} & {families[1]}"
    return f"{families[0]} et al."


def detail(entry: Any) -> str:
    """``Author Year — Title``: the completion item's detail line."""
    who = " ".join(p for p in (short_authors(entry.authors), entry.year or "") if p)
    title = entry.title or ""
    return f"{who} — {title}" if who and title else who or title


def extras(entry: Any) -> dict[str, str]:
    """Venue, DOI and URL of a bibliography entry (an arXiv id makes the URL when none)."""
    out = {name: value for name in ("venue", "doi", "url") if (value := getattr(entry, name, None))}
    eprint = getattr(entry, "eprint", None)
    if eprint and "url" not in out:
        out["url"] = f"https://arxiv.org/abs/{eprint}"
    return out


def history(lv: LiveVault, key: str) -> dict[str, Any]:
    """The reading history of ``key``, as the index reports it (its own collector over
    the sessions that cite the key)."""
    from vaultkit.index.collect import collect
    from vaultkit.index.company import company
    from vaultkit.index.pages import session_schema, verbs
    from vaultkit.index.render import status

    empty: dict[str, Any] = {"sessions": [], "status": None, "first": None, "last": None,
                             "harvest": [], "readWith": []}
    vault = lv.vault
    if vault is None:
        return empty
    citing = {path for path, _ in lv.citations(key)} | set(lv.sourcing(key))
    reading = collect(lv.subset(citing), lv.paper_note_path,  # type: ignore[arg-type]
                      lambda note: session_schema(vault, note), lv.source_key)
    facts = reading.papers.get(key)
    if facts is None:
        return empty
    sessions: dict[str, dict[str, Any]] = {}
    for action in facts.actions:
        s = sessions.setdefault(action.session.path, _session(action.session))
        s["actions"].append({"verb": action.verb, "line": action.line})
    for mention in facts.mentions:
        s = sessions.setdefault(mention.session.path, _session(mention.session))
        s["mentions"].append({"line": mention.line, "context": mention.context})
    ordered = sorted(sessions.values(), key=lambda s: (s["date"] or "", s["path"]))
    dates = [s["date"] for s in ordered if s["date"]]
    found = company(reading.log_keys.values(), lambda k: True, 10).get(key)
    return {
        "sessions": ordered,
        "status": status(facts, verbs(vault)),  # type: ignore[arg-type]
        "first": dates[0] if dates else None,
        "last": dates[-1] if dates else None,
        "harvest": [{"kind": h.kind, "text": h.text, "path": h.session.path, "line": h.line}
                    for h in facts.harvest],
        "readWith": [{"key": k, "sessions": n} for k, n in (found.shown if found else ())],
    }


def _session(session: Any) -> dict[str, Any]:
    return {"path": session.path, "date": session.date or None, "actions": [], "mentions": []}


def paper(lv: LiveVault, key: str) -> dict[str, Any]:
    """Everything the vault knows about one paper: the ``vaultkit.paper`` command's JSON."""
    bib = lv.bibliography()
    entry = bib.get(key) if bib is not None else None
    note = lv.paper_note(key)
    out: dict[str, Any] = {
        "key": key,
        "known": entry is not None or note is not None,
        "title": entry.title if entry else None,
        "authors": list(entry.authors) if entry else [],
        "year": entry.year if entry else None,
        "entryType": entry.entry_type if entry else None,
        "venue": None, "doi": None, "url": None,
        "bibliography": ({"path": entry.source, "line": entry.span.line} if entry else None),
        "paperNote": note,
    }
    if entry is not None:
        out.update(extras(entry))
    if entry is None and note is not None:
        meta = lv.note(note)
        if meta is not None:
            data = meta.meta
            out["title"] = _str(data.get("title"))
            authors = data.get("authors")
            out["authors"] = [str(a) for a in authors] if isinstance(authors, list) else []
            out["year"] = _str(data.get("year"))
    out.update(history(lv, key))
    return out


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def hover_markdown(lv: LiveVault, key: str) -> str:
    facts = paper(lv, key)
    if not facts["known"]:
        return f"**@{key}**: not in the bibliography and no paper note"
    out = [f"**{facts['title'] or key}**", ""]
    who = ", ".join(_display_name(a) for a in facts["authors"][:6])
    if len(facts["authors"]) > 6:
        who += f" and {len(facts['authors']) - 6} more"
    line = " · ".join(p for p in (who, facts["year"], facts["venue"]) if p)
    if line:
        out.append(line)
    if facts["doi"]:
        out.append(f"DOI [{facts['doi']}](https://doi.org/{facts['doi']})")
    elif facts["url"]:
        out.append(f"<{facts['url']}>")
    out.append("")
    sessions = facts["sessions"]
    if sessions:
        n = len(sessions)
        span = facts["first"] if facts["first"] == facts["last"] else f"{facts['first']} to {facts['last']}"
        out.append(f"**{facts['status']}** in {n} session{'s' if n != 1 else ''}"
                   + (f", {span}" if facts["first"] else ""))
        for s in sessions[-5:]:
            verbs = ", ".join(a["verb"] for a in s["actions"]) or "mentioned"
            out.append(f"- {s['date'] or s['path']}: {verbs}")
    else:
        out.append("Not read in any session yet.")
    out.append("")
    out.append(f"`@{key}`" + (f" · paper note `{facts['paperNote']}`" if facts["paperNote"] else ""))
    return "\n".join(out)


def _display_name(author: str) -> str:
    family, _, given = author.partition(",")
    given = given.split(",")[0].strip()
    return f"{given} {family.strip()}".strip() if given else family.strip()
