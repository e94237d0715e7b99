import pytest

from lgrshare.councils.models import Area, AreaMembership, Council, Role
from lgrshare.councils.services import reference_load, user_create
from lgrshare.domain.errors import InvalidInput
from tests.conftest import GUILDFORD, KENT, PASSWORD, SURREY


@pytest.mark.django_db
def test_reference_load_is_idempotent():
    before = Council.objects.count(), Area.objects.count()
    summary = reference_load()
    assert summary.created == 0
    assert summary.updated == 317
    assert (Council.objects.count(), Area.objects.count()) == before == (317, 21)


@pytest.mark.django_db
def test_surrey_area_is_the_county_council_and_eleven_districts():
    councils = list(Area.objects.get(county_id=SURREY).councils())
    assert len(councils) == 12
    assert councils[0].official_name == "Surrey County Council"
    assert Council.objects.get(pk=GUILDFORD).population_mid2024 == 151_359


def test_a_council_employee_joins_their_area_with_their_roles(alice):
    assert alice.role_codes == {"analyst"}
    assert list(Area.objects.visible_to(alice)) == [Area.objects.get(county_id=SURREY)]


def test_a_contractor_joins_the_area_of_the_council_it_works_for(dave):
    assert dave.council is None
    assert list(Area.objects.visible_to(dave).values_list("county_id", flat=True)) == [SURREY]


def test_people_see_only_the_areas_they_belong_to(alice, charlie):
    assert [a.county_id for a in Area.objects.visible_to(charlie)] == [KENT]
    assert SURREY not in [a.county_id for a in Area.objects.visible_to(charlie)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"roles": ["wizard"]}, "unknown-role"),
        ({"roles": []}, "no-role"),
        ({"roles": ["analyst"], "password": "short"}, "weak-password"),
    ],
)
def test_user_create_refuses_bad_input_and_writes_nothing(kwargs, code):
    with pytest.raises(InvalidInput) as caught:
        user_create(username="eve", council=Council.objects.get(pk=GUILDFORD), **kwargs)
    assert caught.value.code == code
    assert not AreaMembership.objects.filter(user__username="eve").exists()


def test_usernames_are_unique_ignoring_case(alice):
    with pytest.raises(InvalidInput) as caught:
        user_create(username="ALICE", council=alice.council, roles=["analyst"], password=PASSWORD)
    assert caught.value.code == "username-taken"


@pytest.mark.django_db
def test_a_person_cannot_join_an_area_their_council_is_not_in():
    with pytest.raises(InvalidInput) as caught:
        user_create(
            username="eve",
            council=Council.objects.get(pk=GUILDFORD),
            roles=[Role.ANALYST.value],
            area=Area.objects.get(county_id=KENT),
            password=PASSWORD,
        )
    assert caught.value.code == "council-not-in-area"
