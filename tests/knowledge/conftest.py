import pytest

from portal.knowledge.choices import ResourceKind, ResourceStatus, Visibility
from portal.knowledge.models import Theme
from tests.knowledge.helpers import make


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def themes(db):
    return {
        slug: Theme.objects.create(slug=slug, name=name)
        for slug, name in [("isolement", "Isolement"), ("logement", "Logement")]
    }


@pytest.fixture
def corpus(db, themes):
    return {
        "practice": make(
            "Rompre l'isolement des personnes âgées",
            "Des visites de voisinage pour les personnes âgées isolées à domicile.",
            "Les bénévoles rendent visite chaque semaine aux aînés qui vivent seuls.",
            kind=ResourceKind.PRACTICE_SHEET,
            themes=[themes["isolement"]],
            year=2025,
        ),
        "energy": make(
            "La précarité énergétique des ménages",
            "Chauffage, factures et logement : une étude sur la précarité énergétique.",
            "Les ménages modestes renoncent à se chauffer.",
            themes=[themes["logement"]],
        ),
        "youth": make(
            "Les jeunes face à l'emploi",
            "Une synthèse sur l'insertion professionnelle des jeunes.",
            "Quelques personnes interrogées évoquent l'isolement après la fin des études.",
            kind=ResourceKind.SYNTHESIS,
        ),
        "rates": make(
            "Calcul des taux de chômage",
            "Une note technique sur les effectifs et les taux.",
            "Numérateurs et dénominateurs sont additionnés.",
            kind=ResourceKind.TECHNICAL_NOTE,
        ),
        "draft": make(
            "Brouillon sur la précarité",
            "Un brouillon sur la précarité à ne jamais montrer.",
            status=ResourceStatus.DRAFT,
        ),
        "members": make(
            "Précarité des familles monoparentales (réservé)",
            "Une étude sur la précarité réservée aux membres.",
            visibility=Visibility.MEMBERS,
        ),
    }
