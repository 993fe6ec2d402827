"""PMML 4.4 export of a scorecard: well-formed XML with the artifact's points."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from creditline.scoring.export_pmml import PMML_NAMESPACE, export_pmml
from tests.unit.test_export_sql import handmade_scorecard

NS = {"p": PMML_NAMESPACE}


@pytest.fixture
def root() -> ET.Element:
    return ET.fromstring(export_pmml(handmade_scorecard()).encode("utf-8"))


def characteristic(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f"p:Scorecard/p:Characteristics/p:Characteristic[@name='points_{name}']", NS)
    assert found is not None
    return found


def test_pmml_declares_version_and_model(root: ET.Element) -> None:
    assert root.tag == f"{{{PMML_NAMESPACE}}}PMML"
    assert root.get("version") == "4.4"
    scorecard = root.find("p:Scorecard", NS)
    assert scorecard is not None
    assert scorecard.attrib == {
        "modelName": "sc-handmade0001",
        "functionName": "regression",
        "useReasonCodes": "true",
        "reasonCodeAlgorithm": "pointsBelow",
        "initialScore": "0",
        "baselineMethod": "max",
    }


def test_pmml_text_starts_with_xml_declaration() -> None:
    text = export_pmml(handmade_scorecard())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">')


def test_pmml_data_dictionary_types(root: ET.Element) -> None:
    fields = {f.get("name"): (f.get("optype"), f.get("dataType")) for f in root.findall("p:DataDictionary/p:DataField", NS)}
    assert fields == {
        "utilisation": ("continuous", "double"),
        "dpd": ("continuous", "double"),
        "income_band": ("categorical", "string"),
        "segment": ("categorical", "string"),
        "age": ("continuous", "double"),
        "tenure": ("continuous", "double"),
        "score": ("continuous", "double"),
    }
    assert root.find("p:DataDictionary", NS).get("numberOfFields") == "7"


def test_pmml_mining_schema_lets_unseen_labels_through(root: ET.Element) -> None:
    fields = {f.get("name"): f.attrib for f in root.findall("p:Scorecard/p:MiningSchema/p:MiningField", NS)}
    assert fields["income_band"]["invalidValueTreatment"] == "asIs"
    assert fields["utilisation"]["invalidValueTreatment"] == "returnInvalid"
    assert fields["score"]["usageType"] == "target"


def test_pmml_outputs_score_and_reason_codes(root: ET.Element) -> None:
    outputs = root.findall("p:Scorecard/p:Output/p:OutputField", NS)
    assert [(o.get("name"), o.get("feature"), o.get("rank")) for o in outputs] == [
        ("final_score", "predictedValue", None),
        ("reason_code_1", "reasonCode", "1"),
        ("reason_code_2", "reasonCode", "2"),
        ("reason_code_3", "reasonCode", "3"),
        ("reason_code_4", "reasonCode", "4"),
    ]


def test_pmml_points_match_artifact(root: ET.Element) -> None:
    model = handmade_scorecard()
    for c in model.characteristics:
        node = characteristic(root, c.name)
        assert node.get("reasonCode") == c.reason_code
        assert float(node.get("baselineScore")) == max(b.points for b in c.bins)
        scores = [float(a.get("partialScore")) for a in node.findall("p:Attribute", NS)]
        expected = [c.missing_bin.points, *(s.points for s in c.special_bins), *(b.points for b in c.bins)]
        if c.unseen_bin is not None:
            expected.append(c.bins[c.unseen_bin].points)
        assert scores == expected, c.name


def test_pmml_numerical_predicates(root: ET.Element) -> None:
    attributes = characteristic(root, "utilisation").findall("p:Attribute", NS)
    missing, special, low, middle, high = attributes
    assert missing.find("p:SimplePredicate", NS).attrib == {"field": "utilisation", "operator": "isMissing"}
    assert special.find("p:SimplePredicate", NS).attrib == {"field": "utilisation", "operator": "equal", "value": "-1.0"}
    assert low.find("p:SimplePredicate", NS).attrib == {"field": "utilisation", "operator": "lessThan", "value": "0.3"}
    both = middle.find("p:CompoundPredicate", NS)
    assert both.get("booleanOperator") == "and"
    assert [p.attrib["operator"] for p in both] == ["greaterOrEqual", "lessThan"]
    assert [p.attrib["value"] for p in both] == ["0.3", "0.7"]
    assert high.find("p:SimplePredicate", NS).attrib == {"field": "utilisation", "operator": "greaterOrEqual", "value": "0.7"}


def test_pmml_categorical_predicates_quote_labels(root: ET.Element) -> None:
    attributes = characteristic(root, "income_band").findall("p:Attribute", NS)
    arrays = [a.find("p:SimpleSetPredicate/p:Array", NS) for a in attributes[1:5]]
    assert [(a.get("n"), a.get("type"), a.text) for a in arrays] == [
        ("1", "string", '"unknown"'),
        ("2", "string", '"high" "高"'),
        ("1", "string", '"mid"'),
        ("3", "string", '"low" "it\'s" "a\\\\b"'),
    ]
    # After the bins, the catch-all for unseen labels scores as the mid bin.
    assert attributes[5].find("p:True", NS) is not None
    assert float(attributes[5].get("partialScore")) == 25.0


def test_pmml_export_is_deterministic() -> None:
    assert export_pmml(handmade_scorecard()) == export_pmml(handmade_scorecard())
