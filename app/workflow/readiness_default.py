"""The readiness scale a workflow gets when its file declares none.

Six dimensions scored 1–9, after the KTH Innovation Readiness Level model, with a one-line
descriptor per level. It is data in the shape of a workflow file's `readiness:` key (and is
validated by the same loader code); `workflows/innovation_path.yaml` writes it out in full
so a cluster can edit it, or replace it with another scale such as TRL 1–9.
"""

from __future__ import annotations


def _levels(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"en": en, "fr": fr} for en, fr in pairs]


DEFAULT_READINESS: dict = {
    "scale": {"min": 1, "max": 9},
    "dimensions": [
        {"key": "technology", "label": {"en": "Technology", "fr": "Technologie"}, "levels": _levels(
            ("Idea of a technical solution", "Idée d'une solution technique"),
            ("Concept formulated, applications identified", "Concept formulé, applications identifiées"),
            ("Proof of concept in the lab", "Preuve de concept en laboratoire"),
            ("Prototype validated in the lab", "Prototype validé en laboratoire"),
            ("Prototype validated in a relevant setting", "Prototype validé en conditions proches du réel"),
            ("Prototype demonstrated in real conditions", "Prototype démontré en conditions réelles"),
            ("Pre-series product in operation", "Produit de présérie en exploitation"),
            ("Product complete and qualified", "Produit complet et qualifié"),
            ("Product proven at scale with customers", "Produit éprouvé à grande échelle chez les clients"),
        )},
        {"key": "customer", "label": {"en": "Customer", "fr": "Client"}, "levels": _levels(
            ("Hunch about a need", "Intuition d'un besoin"),
            ("Need and possible customers described", "Besoin et clients possibles décrits"),
            ("First customer interviews held", "Premiers entretiens clients menés"),
            ("Problem confirmed by many interviews", "Problème confirmé par de nombreux entretiens"),
            ("Solution tested with target customers", "Solution testée auprès de clients cibles"),
            ("Letters of intent or pilots signed", "Lettres d'intention ou pilotes signés"),
            ("First paying customers", "Premiers clients payants"),
            ("Repeat sales to several customers", "Ventes répétées à plusieurs clients"),
            ("Sales grow in a proven market", "Ventes en croissance sur un marché avéré"),
        )},
        {"key": "business_model", "label": {"en": "Business model", "fr": "Modèle d'affaires"}, "levels": _levels(
            ("No business model yet", "Pas encore de modèle d'affaires"),
            ("Possible revenue streams listed", "Sources de revenus possibles listées"),
            ("First business model canvas drafted", "Premier canevas de modèle d'affaires"),
            ("Costs, prices and margins estimated", "Coûts, prix et marges estimés"),
            ("Pricing tested with customers", "Prix testés auprès des clients"),
            ("Business model validated by early sales", "Modèle validé par les premières ventes"),
            ("Unit economics positive", "Rentabilité unitaire positive"),
            ("Sales channels scale", "Canaux de vente qui passent à l'échelle"),
            ("Profitable and repeatable model", "Modèle rentable et reproductible"),
        )},
        {"key": "ip", "label": {"en": "Intellectual property", "fr": "Propriété intellectuelle"},
         "levels": _levels(
            ("IP not considered", "Propriété intellectuelle non étudiée"),
            ("Possible protectable assets identified", "Actifs protégeables identifiés"),
            ("Ownership of the results clarified", "Propriété des résultats clarifiée"),
            ("Prior-art search done", "Recherche d'antériorité faite"),
            ("IP strategy drafted", "Stratégie de propriété intellectuelle rédigée"),
            ("Filing or protection under way", "Dépôt ou protection en cours"),
            ("Key IP filed or protected", "Propriété intellectuelle clé déposée ou protégée"),
            ("Freedom to operate checked", "Liberté d'exploitation vérifiée"),
            ("IP granted and actively managed", "Titres obtenus et gérés activement"),
        )},
        {"key": "team", "label": {"en": "Team", "fr": "Équipe"}, "levels": _levels(
            ("A single founder", "Un fondateur seul"),
            ("A few people, roles unclear", "Quelques personnes, rôles flous"),
            ("Core team with complementary skills forming", "Noyau d'équipe complémentaire en formation"),
            ("Founding team committed, roles agreed", "Équipe fondatrice engagée, rôles convenus"),
            ("Missing skills identified, recruiting", "Compétences manquantes identifiées, recrutement"),
            ("Key roles filled, advisers on board", "Rôles clés pourvus, conseillers présents"),
            ("Team delivers to plan", "L'équipe tient ses objectifs"),
            ("Organisation structured for growth", "Organisation structurée pour la croissance"),
            ("Experienced team scaling the company", "Équipe expérimentée qui fait grandir l'entreprise"),
        )},
        {"key": "funding", "label": {"en": "Funding", "fr": "Financement"}, "levels": _levels(
            ("No funding need assessed", "Besoin de financement non évalué"),
            ("Funding need roughly estimated", "Besoin de financement estimé à grands traits"),
            ("Funding plan and sources listed", "Plan et sources de financement listés"),
            ("First small funding obtained", "Premier petit financement obtenu"),
            ("Pitch and investor materials ready", "Pitch et dossier investisseurs prêts"),
            ("Talks with investors or funds", "Discussions avec investisseurs ou fonds"),
            ("Significant funding secured", "Financement significatif obtenu"),
            ("Funded for the next 12–18 months", "Financé pour les 12 à 18 prochains mois"),
            ("Self-financing or large round closed", "Autofinancé ou grande levée conclue"),
        )},
    ],
}
