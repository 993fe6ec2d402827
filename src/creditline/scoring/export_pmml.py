"""Export a scorecard as a PMML 4.4 ``Scorecard`` model for PMML scoring engines.

The document uses reason codes with ``reasonCodeAlgorithm="pointsBelow"``: each
characteristic's ``baselineScore`` is the points of its best bin, so the difference a
PMML engine ranks is the points loss that :meth:`creditline.scoring.Scorecard.score`
ranks. ``initialScore`` is 0 because the intercept is already spread over the
characteristics' points.

Each characteristic lists its attributes in the order a PMML engine tests them (the
first true predicate wins): missing, each special value, then the bins. A categorical
characteristic ends with a ``True`` attribute for labels never seen in training, with
the points of ``unseen_bin``, and its field is declared with
``invalidValueTreatment="asIs"`` so such labels reach that attribute.

NOTE: when several characteristics share a reason code, a PMML engine may rank that code
by the sum of their differences, while the Python scorer takes the largest one. Both
rank alike when each characteristic has its own code. No PMML engine was run against
this output; the tests check its structure and points.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from datetime import datetime

from creditline import __version__
from creditline.scoring.export_sql import SlotRule, slot_rules
from creditline.scoring.scorecard import CATEGORICAL, Characteristic, Scorecard

logger = logging.getLogger(__name__)

PMML_NAMESPACE = "http://www.dmg.org/PMML-4_4"
PMML_VERSION = "4.4"
SCORE_FIELD = "score"


def export_pmml(model: Scorecard, *, generated_at: datetime | None = None) -> str:
    """Write ``model`` as a PMML 4.4 document (UTF-8 XML text with a declaration).

    ``generated_at`` goes into the header's Timestamp; by default the model's creation time,
    so exporting the same model twice gives the same text.
    """
    ET.register_namespace("", PMML_NAMESPACE)
    root = _element("PMML", version=PMML_VERSION)
    header = _sub(root, "Header", description=f"creditline scorecard {model.model_version}")
    _sub(header, "Application", name="creditline", version=__version__)
    timestamp = _sub(header, "Timestamp")
    timestamp.text = (generated_at or model.created_at).isoformat()

    dictionary = _sub(root, "DataDictionary", numberOfFields=str(len(model.characteristics) + 1))
    for c in model.characteristics:
        if c.dtype == CATEGORICAL:
            _sub(dictionary, "DataField", name=c.name, optype="categorical", dataType="string")
        else:
            _sub(dictionary, "DataField", name=c.name, optype="continuous", dataType="double")
    _sub(dictionary, "DataField", name=SCORE_FIELD, optype="continuous", dataType="double")

    scorecard = _sub(
        root,
        "Scorecard",
        modelName=model.model_version,
        functionName="regression",
        useReasonCodes="true",
        reasonCodeAlgorithm="pointsBelow",
        initialScore="0",
        baselineMethod="max",
    )
    schema = _sub(scorecard, "MiningSchema")
    for c in model.characteristics:
        treatment = "asIs" if c.dtype == CATEGORICAL else "returnInvalid"
        _sub(schema, "MiningField", name=c.name, usageType="active", invalidValueTreatment=treatment)
    _sub(schema, "MiningField", name=SCORE_FIELD, usageType="target")

    output = _sub(scorecard, "Output")
    _sub(output, "OutputField", name="final_score", feature="predictedValue", dataType="double", optype="continuous")
    for rank in range(1, model.settings.max_reasons + 1):
        _sub(
            output,
            "OutputField",
            name=f"reason_code_{rank}",
            rank=str(rank),
            feature="reasonCode",
            dataType="string",
            optype="categorical",
        )

    characteristics = _sub(scorecard, "Characteristics")
    for c in model.characteristics:
        _characteristic(characteristics, c)

    ET.indent(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    logger.info("scorecard %s exported as PMML %s", model.model_version, PMML_VERSION)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"


def _characteristic(parent: ET.Element, c: Characteristic) -> None:
    best = float(c.slot_points()[: len(c.bins)].max())
    node = _sub(parent, "Characteristic", name=f"points_{c.name}", reasonCode=c.reason_code, baselineScore=repr(best))
    for rule in slot_rules(c):
        attribute = _sub(node, "Attribute", partialScore=repr(rule.points))
        _predicate(attribute, c, rule)


def _predicate(parent: ET.Element, c: Characteristic, rule: SlotRule) -> None:
    if rule.kind == "missing":
        _sub(parent, "SimplePredicate", field=c.name, operator="isMissing")
    elif rule.kind == "unseen":
        _sub(parent, "True")
    elif c.dtype == CATEGORICAL:
        predicate = _sub(parent, "SimpleSetPredicate", field=c.name, booleanOperator="isIn")
        array = _sub(predicate, "Array", n=str(len(rule.labels)), type="string")
        array.text = " ".join(_quoted(label) for label in rule.labels)
    elif rule.kind == "special":
        _sub(parent, "SimplePredicate", field=c.name, operator="equal", value=repr(rule.value))
    elif rule.lower is None and rule.upper is None:
        _sub(parent, "True")
    elif rule.lower is None:
        _sub(parent, "SimplePredicate", field=c.name, operator="lessThan", value=repr(rule.upper))
    elif rule.upper is None:
        _sub(parent, "SimplePredicate", field=c.name, operator="greaterOrEqual", value=repr(rule.lower))
    else:
        both = _sub(parent, "CompoundPredicate", booleanOperator="and")
        _sub(both, "SimplePredicate", field=c.name, operator="greaterOrEqual", value=repr(rule.lower))
        _sub(both, "SimplePredicate", field=c.name, operator="lessThan", value=repr(rule.upper))


def _quoted(label: str) -> str:
    """Quote one entry of a PMML string Array; a quote inside is escaped with a backslash."""
    return '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _element(tag: str, **attributes: str) -> ET.Element:
    return ET.Element(f"{{{PMML_NAMESPACE}}}{tag}", attributes)


def _sub(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{PMML_NAMESPACE}}}{tag}", attributes)
