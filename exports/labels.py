"""Column headers and value names of the exports, in bokmål and English. Plain data: the workbook
builder takes a language, not a request."""
from __future__ import annotations

HEADERS = {
    "summary": ("Sammendrag", "Summary"),
    "indicators": ("Indikatorer", "Indicators"),
    "answers": ("Svar", "Answers"),
    "proposals": ("Forbedringsforslag", "Proposals"),
    "history": ("Historikk", "History"),
    "fact_sheet": ("Faktaark", "Fact sheet"),
    "closure": ("Avslutning", "Closure"),
    "programme": ("Program", "Programme"),
    "municipality": ("Kommune", "Municipality"),
    "session": ("Økt", "Session"),
    "date": ("Dato", "Date"),
    "programme_year": ("Programår", "Programme year"),
    "bank": ("Spørsmålsbank", "Question bank"),
    "bank_hash": ("Bankens kontrollsum", "Bank hash"),
    "weighted_total": ("Vektet totalsum", "Weighted total"),
    "indicator": ("Indikator", "Indicator"),
    "group": ("Gruppe", "Group"),
    "consensus": ("Felles karakter", "Consensus grade"),
    "conclusion": ("Konklusjon", "Conclusion"),
    "dissent": ("Dissens", "Dissent"),
    "leadership_mean": ("Snitt ledelsen", "Leadership mean"),
    "observer_mean": ("Snitt observatører", "Observer mean"),
    "mean_all": ("Snitt alle", "Mean, all"),
    "chart_title": ("Felles karakter og snitt per indikator", "Consensus and means per indicator"),
    "grade": ("Karakter", "Grade"),
    "question_id": ("Spørsmåls-id", "Question id"),
    "who": ("Hvem", "Who"),
    "all": ("Alle", "All"),
    "leadership": ("Ledelsen", "Leadership"),
    "observers": ("Observatører", "Observers"),
    "n": ("Antall", "n"),
    "cannot_assess": ("Kan ikke vurdere", "Cannot assess"),
    "mean": ("Snitt", "Mean"),
    "median": ("Median", "Median"),
    "min": ("Min", "Min"),
    "max": ("Maks", "Max"),
    "stdev": ("Standardavvik", "Std. dev."),
    "divergent": ("Sprikende", "Divergent"),
    "yes": ("Ja", "Yes"),
    "no": ("Nei", "No"),
    "participant": ("Deltaker", "Participant"),
    "role": ("Rolle", "Role"),
    "section": ("Steg", "Step"),
    "question": ("Spørsmål", "Question"),
    "value": ("Verdi", "Value"),
    "value_label": ("Svar i tekst", "Value as text"),
    "comment": ("Begrunnelse", "Justification"),
    "changed": ("Sist endret", "Last changed"),
    "proposal": ("Forslag", "Proposal"),
    "owner": ("Ansvarlig", "Owner"),
    "deadline": ("Frist", "Deadline"),
    "priority": ("Prioritet", "Priority"),
    "status": ("Status", "Status"),
    "year": ("År", "Year"),
    "whole_programme": ("Programmet som helhet", "The programme as a whole"),
    "choose_from_list": ("Velg fra listen.", "Choose from the list."),
    "history_chart": ("Felles karakter gjennom årene", "Consensus over the years"),
}
ROLE_NAMES = {
    "leadership": ("Ledelsen", "Leadership"),
    "observer_county": ("Fylkeskommunen", "County"),
    "observer_innovation_norway": ("Innovasjon Norge", "Innovation Norway"),
    "observer_municipality": ("Kommunen", "Municipality"),
}
PRIORITY_NAMES = {"high": ("Høy", "High"), "medium": ("Middels", "Medium"), "low": ("Lav", "Low")}
STATUS_NAMES = {"new": ("Ny", "New"), "in_progress": ("Påbegynt", "In progress"),
                "done": ("Gjennomført", "Done"), "dropped": ("Droppet", "Dropped")}


def text(names: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = names.get(key)
    return key if pair is None else pair[1 if lang == "en" else 0]


def header(key: str, lang: str) -> str:
    return text(HEADERS, key, lang)


def key_for(names: dict[str, tuple[str, str]], shown: str) -> str | None:
    """The key of a name shown in either language (for reading a workbook back)."""
    shown = (shown or "").strip().lower()
    for key, pair in names.items():
        if shown in (pair[0].lower(), pair[1].lower(), key):
            return key
    return None

REPORT = {
    "report": ("Rapportutkast", "Report draft"),
    "facts": ("Fakta", "Facts"),
    "participants": ("Deltakere", "Participants"),
    "results": ("Resultater", "Results"),
    "conclusions": ("Konklusjoner per indikator", "Conclusions per indicator"),
    "agreement": ("Størst enighet", "Strongest agreement"),
    "disagreement": ("Størst uenighet", "Strongest disagreement"),
    "last_year": ("Fjorårets forslag og status", "Last year's proposals and their status"),
    "closure_answers": ("Svar i avslutningsvurderingen", "Closure review answers"),
    "fact_sheet_answers": ("Faktaark", "Fact sheet"),
    "no_proposals": ("Ingen forslag registrert.", "No proposals recorded."),
    "not_set": ("ikke satt", "not set"),
    "draft_note": ("Utkast laget av Statusvurdering. Rediger før det sendes ut.",
                   "Draft made by Statusvurdering. Edit before sending."),
}
HEADERS.update(REPORT)
