"""The readiness scale a workflow gets when its file declares none.

Six dimensions scored 1–9, after the KTH Innovation Readiness Level model, with a one-line
descriptor per level. It is data in the shape of a workflow file's `readiness:` key (and is
validated by the same loader code); `workflows/innovation_path.yaml` writes it out in full
so a cluster can edit it, or replace it with another scale such as TRL 1–9.
"""

from __future__ import annotations


def _levels(*texts: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"en": en, "fr": fr, "ar": ar} for en, fr, ar in texts]


DEFAULT_READINESS: dict = {
    "scale": {"min": 1, "max": 9},
    "dimensions": [
        {"key": "technology", "label": {"en": "Technology", "fr": "Technologie", "ar": "التكنولوجيا"},
         "levels": _levels(
            ("Idea of a technical solution", "Idée d'une solution technique", "فكرة حل تقني"),
            ("Concept formulated, applications identified", "Concept formulé, applications identifiées",
             "صياغة المفهوم وتحديد التطبيقات"),
            ("Proof of concept in the lab", "Preuve de concept en laboratoire", "إثبات المفهوم في المختبر"),
            ("Prototype validated in the lab", "Prototype validé en laboratoire", "نموذج أولي مصادق عليه في المختبر"),
            ("Prototype validated in a relevant setting", "Prototype validé en conditions proches du réel",
             "نموذج أولي مصادق عليه في ظروف قريبة من الواقع"),
            ("Prototype demonstrated in real conditions", "Prototype démontré en conditions réelles",
             "نموذج أولي مجرب في ظروف حقيقية"),
            ("Pre-series product in operation", "Produit de présérie en exploitation",
             "منتج ما قبل السلسلة قيد الاستغلال"),
            ("Product complete and qualified", "Produit complet et qualifié", "منتج مكتمل ومؤهل"),
            ("Product proven at scale with customers", "Produit éprouvé à grande échelle chez les clients",
             "منتج مجرب على نطاق واسع لدى الزبناء"),
        )},
        {"key": "customer", "label": {"en": "Customer", "fr": "Client", "ar": "الزبون"}, "levels": _levels(
            ("Hunch about a need", "Intuition d'un besoin", "حدس بوجود حاجة"),
            ("Need and possible customers described", "Besoin et clients possibles décrits",
             "وصف الحاجة والزبناء المحتملين"),
            ("First customer interviews held", "Premiers entretiens clients menés", "إجراء أولى المقابلات مع الزبناء"),
            ("Problem confirmed by many interviews", "Problème confirmé par de nombreux entretiens",
             "تأكيد الإشكالية عبر مقابلات عديدة"),
            ("Solution tested with target customers", "Solution testée auprès de clients cibles",
             "اختبار الحل لدى الزبناء المستهدفين"),
            ("Letters of intent or pilots signed", "Lettres d'intention ou pilotes signés",
             "توقيع خطابات نوايا أو مشاريع تجريبية"),
            ("First paying customers", "Premiers clients payants", "أوائل الزبناء المؤدين"),
            ("Repeat sales to several customers", "Ventes répétées à plusieurs clients", "مبيعات متكررة لعدة زبناء"),
            ("Sales grow in a proven market", "Ventes en croissance sur un marché avéré",
             "مبيعات متنامية في سوق مؤكدة"),
        )},
        {"key": "business_model", "label": {"en": "Business model", "fr": "Modèle d'affaires", "ar": "نموذج الأعمال"},
         "levels": _levels(
            ("No business model yet", "Pas encore de modèle d'affaires", "لا يوجد نموذج أعمال بعد"),
            ("Possible revenue streams listed", "Sources de revenus possibles listées", "حصر مصادر الإيرادات الممكنة"),
            ("First business model canvas drafted", "Premier canevas de modèle d'affaires",
             "إعداد أول مخطط لنموذج الأعمال"),
            ("Costs, prices and margins estimated", "Coûts, prix et marges estimés",
             "تقدير التكاليف والأسعار والهوامش"),
            ("Pricing tested with customers", "Prix testés auprès des clients", "اختبار الأسعار لدى الزبناء"),
            ("Business model validated by early sales", "Modèle validé par les premières ventes",
             "نموذج مصادق عليه بأولى المبيعات"),
            ("Unit economics positive", "Rentabilité unitaire positive", "مردودية وحدوية إيجابية"),
            ("Sales channels scale", "Canaux de vente qui passent à l'échelle", "قنوات بيع قابلة للتوسع"),
            ("Profitable and repeatable model", "Modèle rentable et reproductible", "نموذج مربح وقابل للتكرار"),
        )},
        {"key": "ip",
         "label": {"en": "Intellectual property", "fr": "Propriété intellectuelle", "ar": "الملكية الفكرية"},
         "levels": _levels(
            ("IP not considered", "Propriété intellectuelle non étudiée", "لم تُدرس الملكية الفكرية"),
            ("Possible protectable assets identified", "Actifs protégeables identifiés",
             "تحديد الأصول القابلة للحماية"),
            ("Ownership of the results clarified", "Propriété des résultats clarifiée", "توضيح ملكية النتائج"),
            ("Prior-art search done", "Recherche d'antériorité faite", "إنجاز البحث في حالة التقنية السابقة"),
            ("IP strategy drafted", "Stratégie de propriété intellectuelle rédigée",
             "صياغة استراتيجية الملكية الفكرية"),
            ("Filing or protection under way", "Dépôt ou protection en cours", "الإيداع أو الحماية قيد الإنجاز"),
            ("Key IP filed or protected", "Propriété intellectuelle clé déposée ou protégée",
             "إيداع الملكية الفكرية الأساسية أو حمايتها"),
            ("Freedom to operate checked", "Liberté d'exploitation vérifiée", "التحقق من حرية الاستغلال"),
            ("IP granted and actively managed", "Titres obtenus et gérés activement", "سندات ممنوحة ومدارة بفعالية"),
        )},
        {"key": "team", "label": {"en": "Team", "fr": "Équipe", "ar": "الفريق"}, "levels": _levels(
            ("A single founder", "Un fondateur seul", "مؤسس واحد"),
            ("A few people, roles unclear", "Quelques personnes, rôles flous", "بضعة أشخاص، أدوار غير واضحة"),
            ("Core team with complementary skills forming", "Noyau d'équipe complémentaire en formation",
             "نواة فريق متكامل الكفاءات في طور التشكل"),
            ("Founding team committed, roles agreed", "Équipe fondatrice engagée, rôles convenus",
             "فريق مؤسس ملتزم وأدوار متفق عليها"),
            ("Missing skills identified, recruiting", "Compétences manquantes identifiées, recrutement",
             "تحديد الكفاءات الناقصة والتوظيف جارٍ"),
            ("Key roles filled, advisers on board", "Rôles clés pourvus, conseillers présents",
             "شغل الأدوار الرئيسية وانضمام مستشارين"),
            ("Team delivers to plan", "L'équipe tient ses objectifs", "الفريق يحقق أهدافه وفق المخطط"),
            ("Organisation structured for growth", "Organisation structurée pour la croissance",
             "تنظيم مهيكل من أجل النمو"),
            ("Experienced team scaling the company", "Équipe expérimentée qui fait grandir l'entreprise",
             "فريق متمرس يقود توسع المقاولة"),
        )},
        {"key": "funding", "label": {"en": "Funding", "fr": "Financement", "ar": "التمويل"}, "levels": _levels(
            ("No funding need assessed", "Besoin de financement non évalué", "لم تُقيَّم حاجة التمويل"),
            ("Funding need roughly estimated", "Besoin de financement estimé à grands traits",
             "تقدير تقريبي لحاجة التمويل"),
            ("Funding plan and sources listed", "Plan et sources de financement listés", "حصر مخطط التمويل ومصادره"),
            ("First small funding obtained", "Premier petit financement obtenu", "الحصول على أول تمويل صغير"),
            ("Pitch and investor materials ready", "Pitch et dossier investisseurs prêts",
             "العرض وملف المستثمرين جاهزان"),
            ("Talks with investors or funds", "Discussions avec investisseurs ou fonds",
             "مباحثات مع مستثمرين أو صناديق"),
            ("Significant funding secured", "Financement significatif obtenu", "الحصول على تمويل مهم"),
            ("Funded for the next 12–18 months", "Financé pour les 12 à 18 prochains mois",
             "تمويل مضمون للأشهر 12 إلى 18 المقبلة"),
            ("Self-financing or large round closed", "Autofinancé ou grande levée conclue",
             "تمويل ذاتي أو جولة تمويل كبرى مكتملة"),
        )},
    ],
}
