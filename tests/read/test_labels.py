from snppe_report.read.labels import label_key


def test_label_key_extracts_the_source():
    assert label_key("Nombre de naissances vivantes (source INSEE)") == (
        "nombre de naissances vivantes",
        "insee",
    )
    assert label_key("X (source DREES / CD) (à produire semestriellement)") == ("x", "drees cd")
    assert label_key("X (parents majeurs)") == ("x (parents majeurs)", "")
