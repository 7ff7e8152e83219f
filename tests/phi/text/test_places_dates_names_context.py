"""Institution shapes (University of X, U of X, X Regional, X Campus, one-word destinations),
employers, regions, two-digit years, ordinal days, months alone, dates next to dates, names in
lists, sign-offs, subject/object positions, and repeats of a found name (inline fixtures)."""
import pytest

from site_gen.phi.finding import Category
from site_gen.phi.text import analyze

POSITIVE = [
    # institutions and places
    ("Pt was admitted from University of Vermont Medical Center last night.", "Vermont", Category.INSTITUTION),
    ("pt recieved from university of iowa hospital intubated.", "iowa", Category.INSTITUTION),
    ("PRESENTED TO U OF VT MED CENTER WITH SOB.", "U OF VT", Category.INSTITUTION),
    ("Seen at U Oregon ER yesterday.", "U Oregon", Category.INSTITUTION),
    ("TAKEN TO ASHCOMBE MEDICAL WHERE ENZYMES WERE POSITIVE.", "ASHCOMBE", Category.INSTITUTION),
    ("TAKEN TO UNION HOSPITAL WHERE EKG WAS DONE.", "UNION", Category.INSTITUTION),
    ("Pt left for radiation planning on West Campus this am.", "West Campus", Category.INSTITUTION),
    ("She went to Seabrook on 4/2 with abdominal pain.", "Seabrook", Category.INSTITUTION),
    ("Wants to go to Harbour and wait for a bed there.", "Harbour", Category.INSTITUTION),
    ("WOULD NEED TO LEAVE SMH, HAVE SURGERY AND RETURN.", "SMH", Category.INSTITUTION),
    ("He is worried about his business Zentravix and his staff.", "Zentravix", Category.INSTITUTION),
    ("WIFE IS CEO OF QUORVEX. SMOKER.", "QUORVEX", Category.INSTITUTION),
    ("He works for Brightwell Logistics in town.", "Brightwell", Category.INSTITUTION),
    ("FAMILY ARRIVED FROM THE WESTERN SHORE AT 2 AM.", "WESTERN SHORE", Category.ADDRESS),
    ("Was on vacation on the Northern Coast when the pain began.", "Northern Coast", Category.ADDRESS),
    ("Brother lives in DC and calls daily.", "DC", Category.ADDRESS),
    ("A THIRD BROTHER LIVES IN BARTON, CALLS DAILY.", "BARTON", Category.ADDRESS),
    ("to go to rehab(holy cross Memorial) tomorrow", "holy cross", Category.INSTITUTION),
    # dates
    ("Hct on am of 7/23 was 31.", "7/23", Category.DATE),
    ("PRESENT HX:7/19 DECREASED MENTAL STATUS.", "7/19", Category.DATE),
    ("CHRONIC RENAL FAILURE. LITHIUM TOXICITY-4/3/91. NKDA.", "4/3/91", Category.DATE),
    ("NO S/S. \n\n11/14 CARDIAC CATH: EF 55%.", "11/14", Category.DATE),
    ("cefazolin rec'd 6/3 - 6/10, now off.", "6/10", Category.DATE),
    ("Dialysis 6/9 or 6/10, then reassess.", "6/10", Category.DATE),
    ("moved to Ward.6/30. Readmitted later.", "6/30", Category.DATE),
    ("PMH: CAD, '07 PTCA to LAD, '12 stent to RCA.", "'07", Category.DATE),
    ("PMH:\n CVA 81'.\n CHOLECYSTECTOMY 79'.", "81'", Category.DATE),
    ("Cultures drawn from the A-line on the 14th. One set pending.", "14th", Category.DATE),
    ("admitted from home in sept. and discharged later.", "sept", Category.DATE),
    ("She has been short of breath since January.", "January", Category.DATE),
    # names
    ("Kovrigin spent a year at the plant as an assistant.", "Kovrigin", Category.NAME),
    ("Scott had given Annabel his new address.", "Annabel", Category.NAME),
    ("Maybe it is under Ferenc Hajdu now.", "Ferenc Hajdu", Category.NAME),
    ("The founders: Dorval, Barton and Reed built it.", "Barton", Category.NAME),
    ("The founders: Dorval, Barton and Reed built it.", "Reed", Category.NAME),
    ("Is this the best song? Tasimov and Bowen were precise.", "Tasimov", Category.NAME),
    ("Is this the best song? Tasimov and Bowen were precise.", "Bowen", Category.NAME),
    ("Halka M. Szabó\n\nNetwork administrator at the plant", "Szabó", Category.NAME),
    ("KEPT ON 900U/HR HEPARIN. NOT 1200U/HR. MARGARET", "MARGARET", Category.NAME),
    ("patient resting, all is well at this time. t. okonkwo rrt", "okonkwo", Category.NAME),
    ("KEEP MORENO FAMILY AWARE OF PLAN OF CARE.", "MORENO", Category.NAME),
    ("IV NURSE GEORGIA VELLACOTT CALLED AND SAID PER DR OYELARAN", "GEORGIA", Category.NAME),
    ("Only able to reach Ned.. when family returns call, update.", "Ned", Category.NAME),
    ("SOCIAL:DAUGHTER-MIRELA---301 555-0117.", "MIRELA", Category.NAME),
    ("phone call from son Ted-who states he will come.", "Ted", Category.NAME),
    ("NURSING SCHOOL; JAMES STATES HIS SISTER IS HERE.", "JAMES", Category.NAME),
    ("DR PELLEGRO AWARE. \nGI: OGT. W. PELLEGRO AWARE-WILL START PPI.", "W. PELLEGRO", Category.NAME),
    ("transfer to Quillerman 3 today. \nPLAN: back to QUILLERMAN when bed avail.", "QUILLERMAN", Category.INSTITUTION),
    ("Per Brackenfell 4 RN, urine output was low.", "Brackenfell", Category.INSTITUTION),
    ("pt transferred to 212 brackenfell.", "brackenfell", Category.INSTITUTION),
    ("given an overview of this frostburg maryland facility", "frostburg", Category.ADDRESS),
    # more names
    ("people sometimes call me dragoslav", "dragoslav", Category.NAME),
    ("ivana petrova's trial opens today", "ivana petrova", Category.NAME),
    ("the darek j kowalczyk interview aired", "darek j kowalczyk", Category.NAME),
    ("zofia: \"where are you?\"\nmarek: \"at home\".", "zofia", Category.NAME),
    ("Vuko, can you send the file?", "Vuko", Category.NAME),
    ("Geertruida van Dam will present the results", "Geertruida van Dam", Category.NAME),
    ("social: frank called twice about 4am.", "frank", Category.NAME),
    ("KCL GIVEN. RIA TOLVA AND DRS KERN AND LOMBARDI AWARE.", "RIA TOLVA", Category.NAME),
    ("hosp chaplain and pat lindgren were in to see pt.", "pat lindgren", Category.NAME),
    # addresses and postal codes
    ("Anna Berg lives at 41022 Rua das Flores 88, Lisboa", "41022", Category.ADDRESS),
    ("the bus drops you off at 5521 kvernvegen 14 st.", "5521", Category.ADDRESS),
    ("Looking to support the team in Vejle Ø 7100 in its mission", "7100", Category.ADDRESS),
    # more dates
    ("11/21.93 \nneuro: alert, oriented.", "11/21.93", Category.DATE),
    ("HAD TREATMENTS 10/03/10/04 AND DUE AGAIN TOMORROW.", "10/03/10/04", Category.DATE),
    ("PMH: CAD: NQWMI 11. HTN. EF 50%.", "11", Category.DATE),
    ("PMH: NIDDM. 07 PTCA to LCX, 12 stent to LCX.", "07", Category.DATE),
    ("HPI: developed SOB and diaphoresis 3/5 at rehab.", "3/5", Category.DATE),
    # names: the Irish O written apart after a title, a role set off after the name
    ("BP soft overnight. Dr. o halloran and Dr. Petrovic at bedside.", "o halloran", Category.NAME),
    ("DRAIN PLANNED...OSKAR BELLAVISTA (RESIDENT) TO ARRANGE.", "OSKAR BELLAVISTA", Category.NAME),
]


@pytest.mark.parametrize("text,needle,category", POSITIVE)
def test_found(found, text, needle, category):
    assert found(text, needle), (text, needle)


def test_categories_of_new_shapes(found):
    assert found("Pt was admitted from University of Vermont Medical Center.", "Vermont", Category.INSTITUTION)
    assert found("Family came from the Northern Coast.", "Northern Coast", Category.ADDRESS)
    assert found("Cultures drawn on the 14th. One set pending.", "14th", Category.DATE)


SAFE = [
    "Arnold Chiari malformation with syrinx. Pierre Robin sequence in the infant.",
    "Colles and Smith fractures. Wilms and Ewing tumors are common in children.",
    "Parkinson and Huntington disease affect the basal ganglia.",
    "The 8th vertebral body is deformed; irregularity of the 7th posterior right rib.",
    "On the 3rd day the drain was removed. On the 2nd floor scan room.",
    "HOB 30'. Turned X 30' every shift.",
    "Pain 8/10 today; strength 5/5 bilaterally.",
    "Transfer to Cardiac floor when a bed is available. Sent to CT, back to the unit.",
    "Plan: continue supportive medical care. House staff aware.",
    "Regional lymph nodes are not enlarged. Done under general anesthesia.",
    "She works for hours on the garden; work for the team continues.",
    "Upper lobe and lower lobe opacities; the left side is clear.",
    "No change in dec breath sounds. May in march.",
    "A PRIEST HAS BEEN NOTIFIED. I DON'T WANT IT. GIVEN LASIX WITH FAIR U/O.",
    "MR-SIEMENS-DICOM sample from the GDCM test data.",
    "EMTs arrived and MDIs were started.",
    "PMH: CAD. INITIAL PAP 56/26 PCWP 22, CVP 21. HR 80. EF 35. DM 2. A 67 YR OLD MAN.",
    "Strength 4/5 in the left leg; moves all extremities 5/5. Weaning trial 5/5 overnight.",
    "He lives at home with his wife. She lives at 4 weeks post-op with 2 flights of stairs.",
    "Spont TVs 400 to 500. Findings: normal.\nImpression: no acute disease.",
    "Converses in English and Italian; interpreter used.",
    "The patient was transferred to Radiology for CT. Sent to Ultrasound. Taken to Theatre.",
    "Upper Side of the lesion. The lower side of the liver. Overall appearance normal.",
    "The lesion measures 3/5 of the gland width.",
    "On the 2nd image the lesion enhances.",
    "PMH: HTN, DM, CAD s/p CABG x3, EF 45, MI 2 yrs ago. PSH: appendectomy 30 yrs ago.",
]


@pytest.mark.parametrize("text", SAFE)
def test_safe(text):
    assert analyze(text) == [], [text[s.start:s.end] for s in analyze(text)]


def test_repeat_marks_other_mentions_but_not_dictionary_words():
    text = "DR PELLEGRO AWARE OF LABS.\nLATER PELLEGRO CALLED BACK. PELLEGRO"
    spans = analyze(text)
    starts = {text[s.start:s.end] for s in spans}
    assert sum(1 for s in spans if "PELLEGRO" in text[s.start:s.end]) == 3, starts
    # a found name that is also an English word is not carried to its other uses
    text = "Son Rob called. They will rob nobody."
    assert not any(text[s.start:s.end] == "rob" for s in analyze(text))
