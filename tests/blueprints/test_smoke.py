from tests.fixtures import login


def test_admin_reaches_dashboard(two_tenants, client):
    a, _ = two_tenants
    response = login(client, a.admin_email)
    assert response.status_code == 302
    page = client.get(f"/t/{a.slug}/")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    assert "Tableau de bord" in page.get_data(as_text=True)
