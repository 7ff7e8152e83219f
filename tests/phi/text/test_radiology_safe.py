"""Radiology prose that must pass untouched: eponyms, scores, measurements, levels, citations."""
import pytest

from site_gen.phi.text import analyze

SAFE = [
    "Colles and Smith fractures of the distal radius.",
    "Baker cyst in the popliteal fossa. Baker's cyst ruptured.",
    "Hodgkin lymphoma with mediastinal nodes; Wilms tumour in the left kidney.",
    "Chiari malformation type 1 with syrinx. Crohn disease of the terminal ileum.",
    "Hill-Sachs lesion and Bankart lesion after dislocation.",
    "Kerley B lines and a Fleischner sign; Westermark sign absent.",
    "BI-RADS 4. PI-RADS 5. LI-RADS 3. TI-RADS 4. Bosniak IIF cyst.",
    "Gleason 4+3=7 adenocarcinoma. Fleischner guidelines apply.",
    "Lesion measures 12 x 8 mm (previously 3.5 cm). 120 kVp, 5 mAs, 40 HU.",
    "Disc protrusion at C5-C6 and L4/5 with S1 nerve root contact; T12 compression.",
    "Fractures of ribs 4-6. Day 3 after surgery; 6 weeks later the effusion resolved.",
    "Radiology. 2019;292(3):526-534. doi:10.1148/radiol.2019182718. PMID: 31310175.",
    "Heparin and warfarin given; metoprolol continued. Gadolinium contrast was used.",
    "Clear lungs. Stable cardiomegaly. Osseous structures unremarkable.",
    "indication: Positive TB test\ncomparison: None.\nfindings: The cardiac silhouette and mediastinum size are within normal limits.",
    "Age: 90+. Sex: F. Day 0: presentation.",
    "The hila are normal. The carina is midline. Lingula clear.",
    "Paget disease of the pelvis. Perthes disease of the hip. Osgood-Schlatter disease.",
    "Frontal and lateral views of the chest. PA and lateral.",
    "Grade 2 Salter-Harris fracture. Swan-Ganz catheter tip in the right pulmonary artery.",
]


@pytest.mark.parametrize("text", SAFE)
def test_radiology_prose_is_clean(text):
    assert analyze(text) == []
