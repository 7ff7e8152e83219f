"""Every category: a positive and a negative example (small inline fixtures)."""
import pytest

from site_gen.phi.finding import Category


POSITIVE = [
    # names: titles, relations, credentials, DICOM shape, "Surname, Given", lower-case notes
    ("Seen by Dr. Anselm Okafor in clinic.", "Anselm Okafor", Category.NAME),
    ("MR. HALVARD WOJTASZEK IS AN 83 YR OLD MALE.", "WOJTASZEK", Category.NAME),
    ("social: son bill called twice.", "bill", Category.NAME),
    ("Imke Sollberg, RN", "Sollberg", Category.NAME),
    ("Patient name: SMITH^JOHN^A", "SMITH^JOHN^A", Category.NAME),
    ("Referred by Garcia, Maria for imaging.", "Garcia, Maria", Category.NAME),
    ("rosalind bergstrom is a 70 yr old female admitted with sob and chest pain overnight.", "bergstrom", Category.NAME),
    ("My name is Zsófia Bakonyvári.", "Bakonyvári", Category.NAME),
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
    ("Seen on4/3, stable since.", "4/3", Category.DATE),          # glued to the word before it
    ("DOB3/14/2031 on the form.", "3/14/2031", Category.DATE),
    # ages over 89
    ("A 92 year old woman.", "92 year old", Category.AGE_OVER_89),
    ("Patient aged 95 with dyspnoea.", "aged 95", Category.AGE_OVER_89),
    ("A 91-year-old man.", "91-year-old", Category.AGE_OVER_89),
    # addresses
    ("Lives at 19 Ashgrove St. in Fenwick.", "19 Ashgrove St", Category.ADDRESS),
    ("Lives alone in Tewkesbury since the fall.", "Tewkesbury", Category.ADDRESS),
    ("Annapolis, MD 21401", "21401", Category.ADDRESS),
    ("Send it to SW1A 1AA please.", "SW1A 1AA", Category.ADDRESS),
    ("ZIP: 3520", "3520", Category.ADDRESS),
    ("The bus station is on Lindenauer Strasse 17", "Lindenauer Strasse 17", Category.ADDRESS),
    ("PO Box 242, Springfield", "PO Box 242", Category.ADDRESS),
    # phones
    ("Call 301-555-0148 after 5.", "301-555-0148", Category.PHONE),
    ("Desk: (415)555-0172", "(415)555-0172", Category.PHONE),
    ("Fax: +46 (0)8 555 123 45", "+46 (0)8 555 123 45", Category.PHONE),
    ("Pager 40917.", "40917", Category.PHONE),
    # e-mail, URLs, IPs
    ("Write to jane.doe@example.com today.", "jane.doe@example.com", Category.EMAIL),
    ("See http://patient-photos.example.net/x1", "http://patient-photos.example.net/x1", Category.URL_IP),
    ("Blocked address 203.0.113.77 again.", "203.0.113.77", Category.URL_IP),
    # unique numbers
    ("MRN: 12345678", "12345678", Category.ID_NUMBER),
    ("UR 0456123 noted", "0456123", Category.ID_NUMBER),
    ("Accession # A1234567", "A1234567", Category.ID_NUMBER),
    ("Here's my SSN: 512-44-7830", "512-44-7830", Category.ID_NUMBER),
    ("Card 5500 0055 5555 5559 expired.", "5500 0055 5555 5559", Category.ID_NUMBER),
    ("My IBAN is GB82WEST12345698765432", "GB82WEST12345698765432", Category.ID_NUMBER),
    ("NHS number 943 476 5919 on file.", "943 476 5919", Category.ID_NUMBER),
    ("My driver's license number is 7731046", "7731046", Category.ID_NUMBER),
    # vehicles, devices, biometrics
    ("VIN 1HGCM82633A004352 on the report.", "1HGCM82633A004352", Category.VEHICLE),
    ("Car licence plate ABC 123 seen at the scene.", "ABC 123", Category.VEHICLE),
    ("Pacemaker model 5076, serial PJN123456.", "PJN123456", Category.DEVICE_ID),
    ("S/N: 77-AB-1290 recorded.", "77-AB-1290", Category.DEVICE_ID),
    ("Fingerprint ID FP-004217 scanned at admission.", "FP-004217", Category.BIOMETRIC),
    # institutions
    ("Transferred from St Idony's Hospital yesterday.", "St Idony's Hospital", Category.INSTITUTION),
    ("ADMITTED IN TRANSFER FROM ASHCOMBE HOSPITAL FOR CHANGES", "ASHCOMBE", Category.INSTITUTION),
    ("Sent to GH for further management.", "GH", Category.INSTITUTION),
    ("Transfer to Wexmoor 2 when a bed is free.", "Wexmoor", Category.INSTITUTION),
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
