import pytest

from portcullis.workforce.authority import SYSTEM, Authority, NotAuthorised, authorise, authority, matrix

pytestmark = pytest.mark.django_db


def test_matrix_is_data_and_closed_by_default(make_staff):
    assert matrix()["person.merge"]["HEO"] is Authority.ALLOWED
    ao = make_staff("AO")
    assert authority(ao, "no.such.action") is Authority.DENIED
    with pytest.raises(NotAuthorised):
        authorise(ao, "person.merge")


def test_countersignature_level(make_staff):
    eo = make_staff("EO")
    with pytest.raises(NotAuthorised, match="countersignature"):
        authorise(eo, "person.merge")
    assert authorise(eo, "person.merge", countersign_ok=True).needs_countersignature


def test_user_without_staff_profile_or_inactive_is_denied(django_user_model, make_staff):
    nobody = django_user_model.objects.create_user("nobody", password="x" * 16)
    assert authority(nobody, "person.view") is Authority.DENIED
    eo = make_staff("EO")
    eo.is_active = False
    assert authority(eo, "person.view") is Authority.DENIED


def test_system_principal_only_for_operator_actions():
    assert authority(SYSTEM, "audit.verify") is Authority.ALLOWED
    assert authority(SYSTEM, "person.merge") is Authority.DENIED
