def test_login_page_renders(client):
    assert client.get("/login").status_code == 200


def test_founder_walks_the_first_gate(api, founder, manager, session):
    f = api(founder)
    r = f.post("/api/v1/projects", json={"name": "P", "summary": "s", "pole": "multimedia"})
    assert r.status_code == 201, r.get_json()
    pid = r.get_json()["id"]
    for d in r.get_json()["deliverables"]:
        if d["required"]:
            assert f.put(f"/api/v1/projects/{pid}/deliverables/{d['key']}", json={"done": True}).status_code == 200
    v = f.get(f"/api/v1/projects/{pid}").get_json()["version"]
    r = api(manager).post(f"/api/v1/projects/{pid}/events", json={"event": "approve_gate", "version": v})
    assert r.status_code == 200, r.get_json()
    r = f.post(f"/api/v1/projects/{pid}/events", json={"event": "advance", "version": r.get_json()["version"]})
    assert r.status_code == 200 and r.get_json()["stage"] == "project"


def test_readyz_answers_ready_on_a_migrated_database(client):
    response = client.get("/readyz")

    assert response.status_code == 200 and response.get_json() == {"status": "ready"}


def test_readyz_answers_503_on_a_database_without_its_schema(tmp_path):
    from app import create_app
    from app.extensions import db
    from config import TestConfig

    app = create_app(type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e.db'}"}))
    try:
        response = app.test_client().get("/readyz")
    finally:
        with app.app_context():
            db.engine.dispose()

    assert response.status_code == 503 and "db upgrade" in response.get_json()["detail"]
