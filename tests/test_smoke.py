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
