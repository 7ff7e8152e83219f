"""Every category: a positive and a negative example (small inline fixtures)."""
import pytest

from site_gen.phi.finding import Category


POSITIVE = [
    # names: titles, relations, credentials, DICOM shape, "Surname, Given", lower-case notes
    ("Seen by Dr. Arthur Wilson in clinic.", "Arthur Wilson", Category.NAME),
    ("MR. EDWIN PRZYBYLO IS AN 83 YR OLD MALE.", "PRZYBYLO", Category.NAME),
    ("social: son bill called twice.", "bill", Category.NAME),
    ("Jean Hudson, RN", "Hudson", Category.NAME),
    ("Patient name: SMITH^JOHN^A", "SMITH^JOHN^A", Category.NAME),
    ("Referred by Garcia, Maria for imaging.", "Garcia, Maria", Category.NAME),
    ("lorrie morales is a 70 yr old female admitted with sob and chest pain overnight.", "morales", Category.NAME),
    ("My name is Krisztián Szöllösy.", "Szöllösy", Category.NAME),
    ("Mr. Baker was reviewed.", "Baker", Category.NAME),
    ("Patient initials J.S. recorded.", "J.S.", Category.INITIALS),
    # dates
    ("Admitted 3/14/2019 for pain.", "3/14/2019", Category.DATE),
    ("CT on 7/22 showed no bleed.", "7/22", Category.DATE),
    ("Study date 20120109.", "20120109", Category.DATE),
    ("Scanned 2019-03-14 at night.", "2019-03-14", Category.DATE),
    ("Her birthday is May 16, 2015.", "May 16, 2015", Category.DATE),
    ("Seen on the 3rd of May.", "3rd of May", Category.DATE),
    ("Surgery in March 2022.", "March 2022", Category.DATE),
    # ages over 89
    ("A 92 year old woman.", "92 year old", Category.AGE_OVER_89),
    ("Patient aged 95 with dyspnoea.", "aged 95", Category.AGE_OVER_89),
    ("A 91-year-old man.", "91-year-old", Category.AGE_OVER_89),
    # addresses
    ("Lives at 19 Clover St. in Lansdowne.", "19 Clover St", Category.ADDRESS),
    ("Lives alone in Reisterstown since the fall.", "Reisterstown", Category.ADDRESS),
    ("Baltimore, MD 21201", "21201", Category.ADDRESS),
    ("Send it to SW1A 1AA please.", "SW1A 1AA", Category.ADDRESS),
    ("ZIP: 3520", "3520", Category.ADDRESS),
    ("The bus station is on Villacher Strasse 89", "Villacher Strasse 89", Category.ADDRESS),
    ("PO Box 242, Springfield", "PO Box 242", Category.ADDRESS),
    # phones
    ("Call 410-322-1419 after 5.", "410-322-1419", Category.PHONE),
    ("Desk: (602)272-9781", "(602)272-9781", Category.PHONE),
    ("Fax: +46 (0)8 928 571 38", "+46 (0)8 928 571 38", Category.PHONE),
    ("Pager 83554.", "83554", Category.PHONE),
    # e-mail, URLs, IPs
    ("Write to jane.doe@example.com today.", "jane.doe@example.com", Category.EMAIL),
    ("See http://patient-photos.example.net/x1", "http://patient-photos.example.net/x1", Category.URL_IP),
    ("Blocked address 179.177.214.91 again.", "179.177.214.91", Category.URL_IP),
    # unique numbers
    ("MRN: 12345678", "12345678", Category.ID_NUMBER),
    ("UR 0456123 noted", "0456123", Category.ID_NUMBER),
    ("Accession # A1234567", "A1234567", Category.ID_NUMBER),
    ("Here's my SSN: 849-66-3189", "849-66-3189", Category.ID_NUMBER),
    ("Card 5500 0055 5555 5559 expired.", "5500 0055 5555 5559", Category.ID_NUMBER),
    ("My IBAN is GB82WEST12345698765432", "GB82WEST12345698765432", Category.ID_NUMBER),
    ("NHS number 943 476 5919 on file.", "943 476 5919", Category.ID_NUMBER),
    ("My driver's license number is 6940579", "6940579", Category.ID_NUMBER),
    # vehicles, devices, biometrics
    ("VIN 1HGCM82633A004352 on the report.", "1HGCM82633A004352", Category.VEHICLE),
    ("Car licence plate ABC 123 seen at the scene.", "ABC 123", Category.VEHICLE),
    ("Pacemaker model 5076, serial PJN123456.", "PJN123456", Category.DEVICE_ID),
    ("S/N: 77-AB-1290 recorded.", "77-AB-1290", Category.DEVICE_ID),
    ("Fingerprint ID FP-004217 scanned at admission.", "FP-004217", Category.BIOMETRIC),
    # institutions
    ("Transferred from St Mary's Hospital yesterday.", "St Mary's Hospital", Category.INSTITUTION),
    ("ADMITTED IN TRANSFER FROM CALVERT HOSPITAL FOR CHANGES", "CALVERT", Category.INSTITUTION),
    ("Sent to GH for further management.", "GH", Category.INSTITUTION),
    ("Transfer to Quartermain 2 when a bed is free.", "Quartermain", Category.INSTITUTION),
]


@pytest.mark.parametrize("text,needle,category", POSITIVE, ids=[p[2].value + ":" + p[1] for p in POSITIVE])
def test_detects(found, text, needle, category):
    assert found(text, needle, category)


NEGATIVE = [
    # each: text, the part that must stay unflagged
    ("Clear lungs. Normal heart size.", "Clear"),
    ("There is no XXXX of pleural effusion.", "XXXX"),
    ("Mass in the right upper lobe.", "Mass"),
    ("Follow-up in 6 weeks later, on day 3.", "day 3"),
    ("Diagnosed in 2019 and stable since.", "2019"),
    ("Age: 90+", "90+"),
    ("A 45 year old man.", "45 year old"),
    ("Pain 3/10 with 2/6 murmur and 5/5 strength.", "3/10"),
    ("Pain 3/10 with 2/6 murmur and 5/5 strength.", "2/6"),
    ("Pain 3/10 with 2/6 murmur and 5/5 strength.", "5/5"),
    ("BP 120/80, ABG 7.45/33/80.", "120/80"),
    ("Sat in the 90's overnight.", "in the 90's"),
    ("See https://doi.org/10.1148/radiol.2019190123 for details.", "doi.org"),
    ("PMID: 31234567", "31234567"),
    ("secretions.no further changes", "secretions.no"),
    ("G.I. soft, C.O. 3.6", "G.I."),
    ("Patient transferred to the outside hospital.", "outside hospital"),
    ("Further imaging may be helpful.", "Further imaging"),
    ("Transferred to ICU 2 overnight.", "ICU 2"),
    ("Serial CT scans were obtained.", "Serial"),
    ("Stent 3.5 mm, serial imaging planned.", "3.5 mm"),
    ("He lives in Texas now.", "Texas"),
    ("sex: F", "F"),
]


@pytest.mark.parametrize("text,needle", NEGATIVE, ids=[n[1] for n in NEGATIVE])
def test_does_not_flag(found, text, needle):
    assert not found(text, needle)
