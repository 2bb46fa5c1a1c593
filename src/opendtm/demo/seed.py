"""What Bulletin 6 publishes, key by key, and how its contradictions are read.

Keys are paths into ``opendtm stats --json`` under ``countries``; ``by_partner`` blocks are
the figures of one partner within the country.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SeedFigure:
    key: str
    value: Any
    says: str  # the bulletin's words


@dataclass(frozen=True)
class Contradiction:
    key: str
    says: str
    reading: str
    expected: Any  # what the demo database holds under ``key`` by that reading


F = SeedFigure
SEED_FIGURES = [
    # Kyrgyzstan
    F("KGZ.individuals.total", 295, "In total, 295 vulnerable migrants"),
    F("KGZ.individuals.male", 163, "163 male migrants"),
    F("KGZ.individuals.female", 132, "132 female migrants"),
    F("KGZ.individuals.age_min_years", 2, "aged 2 to 69"),
    F("KGZ.individuals.age_max_years", 69, "aged 2 to 69"),
    F("KGZ.individuals.minors", 11, "including 11 minors"),
    F("KGZ.individuals.boys", 3, "3 boys"),
    F("KGZ.individuals.girls", 8, "8 girls"),
    F("KGZ.returnees.by_nationality.KGZ", 260,
      "260 vulnerable migrants are citizens of Kyrgyzstan who returned"),
    F("KGZ.return.total", 18, "18 migrants ... assisted with their return to Kyrgyzstan"),
    F("KGZ.return.by_destination.KGZ", 18, "return to Kyrgyzstan"),
    F("KGZ.return.by_origin.RUS", 9, "Nine of them are migrants from the Russian Federation"),
    F("KGZ.return.by_origin.UKR", 5, "five migrants are from Ukraine"),
    F("KGZ.return.by_origin.KAZ", 4, "four migrants are from Kazakhstan"),
    F("KGZ.pre_departure.by_nationality.RUS", 1,
      "One stranded migrant from the Russian Federation"),
    F("KGZ.pre_departure.by_nationality.MDA", 19, "19 stranded migrant citizens of Moldova"),
    F("KGZ.pre_departure.by_status.stranded", 20, "provided with pre-departure assistance"),
    F("KGZ.coverage.regions", 7, "Chui, Talas, Batken, Issyk Kul, Jalal-Abad, Naryn, and Osh"),
    F("KGZ.coverage.partners", 9, "nine NGO partners"),
    # Tajikistan
    F("TJK.individuals.total", 189, "In total, 189 vulnerable migrants"),
    F("TJK.individuals.male", 124, "124 male migrants"),
    F("TJK.individuals.female", 65, "65 female migrants"),
    F("TJK.individuals.age_min_years", 20, "Beneficiaries were 20 to 55 years of age"),
    F("TJK.individuals.age_max_years", 55, "Beneficiaries were 20 to 55 years of age"),
    F("TJK.vulnerabilities.vot", 4, "four victims of human trafficking"),
    F("TJK.families.total", 6, "six families of Moldova who were stranded"),
    F("TJK.families.by_nationality.MDA", 6, "six families of Moldova"),
    F("TJK.by_previous_country.RUS", 167, "working in the Russian Federation (167)"),
    F("TJK.by_previous_country.KAZ", 8, "Kazakhstan (8)"),
    F("TJK.by_previous_country.AZE", 2, "Azerbaijan (2)"),
    F("TJK.by_previous_country.IND", 4, "India (4)"),
    F("TJK.by_previous_country.TUR", 2, "Turkey (2)"),
    F("TJK.by_type.hygiene", 189, "sanitary and hygienic supplies ... for all the beneficiaries"),
    F("TJK.coverage.regions", 4, "Sughd, Khatlon, Gorno-Badakhshan, Republican Subordination"),
    F("TJK.coverage.partners", 7, "seven implementing partners"),
    # Kazakhstan
    F("KAZ.individuals.total", 230, "In total, 230 vulnerable migrants"),
    F("KAZ.individuals.male", 134, "134 male migrants"),
    F("KAZ.individuals.female", 96, "96 female migrants"),
    F("KAZ.individuals.age_max_years", 69, "aged 2 to 69"),
    F("KAZ.return.total", 110, "Assisted voluntary return was provided to 110"),
    F("KAZ.return.male", 79, "79 male migrants"),
    F("KAZ.return.female", 31, "31 female migrants"),
    F("KAZ.return.age_min_years", 1, "aged 1 to 64"),
    F("KAZ.return.age_max_years", 64, "aged 1 to 64"),
    F("KAZ.return.minors", 19, "including 19 minors"),
    F("KAZ.return.boys", 11, "11 boys"),
    F("KAZ.return.girls", 8, "8 girls"),
    F("KAZ.return.by_destination.UZB", 40, "Uzbekistan (40)"),
    F("KAZ.return.by_destination.MDA", 38, "Moldova (38)"),
    F("KAZ.return.by_destination.RUS", 17, "the Russian Federation (17)"),
    F("KAZ.return.by_destination.TJK", 13, "Tajikistan (13)"),
    F("KAZ.return.by_destination.UKR", 1, "Ukraine (1)"),
    F("KAZ.return.by_destination.AFG", 1, "Afghanistan (1)"),
    F("KAZ.food_nfi.total", 120, "food and NFIs was provided to 120 vulnerable migrants"),
    F("KAZ.food_nfi.male", 55, "55 male migrants"),
    F("KAZ.food_nfi.female", 65, "65 female migrants"),
    F("KAZ.food_nfi.by_nationality.UZB", 34, "Uzbekistan (34)"),
    F("KAZ.food_nfi.by_nationality.TJK", 32, "Tajikistan (32)"),
    F("KAZ.food_nfi.by_nationality.KGZ", 25, "Kyrgyzstan (25)"),
    F("KAZ.food_nfi.by_nationality.RUS", 15, "the Russian Federation (15)"),
    F("KAZ.food_nfi.by_nationality.TKM", 13, "Turkmenistan (13)"),
    F("KAZ.food_nfi.by_nationality.AFG", 1, "Afghanistan (1)"),
    F("KAZ.coverage.places", 11, "Aktobe, Almaty, Karaganda/Temirtau, ... Ust-Kamenogorsk"),
    F("KAZ.coverage.partners", 11, "eleven contracted NGOs"),
    # Russian Federation
    F("RUS.consultations.total", 647, "IOM Moscow supported 647 migrants"),
    F("RUS.consultations.male", 457, "457 male migrants"),
    F("RUS.consultations.female", 190, "190 female migrants"),
    F("RUS.consultations.migration_law", 483, "The majority of migrants (483)"),
    F("RUS.by_partner.Russian Red Cross.families.total", 32, "32 migrant families"),
    F("RUS.by_partner.Russian Red Cross.families.by_nationality.UZB", 9, "Uzbekistan (9)"),
    F("RUS.by_partner.Russian Red Cross.families.by_nationality.TJK", 8, "Tajikistan (8)"),
    F("RUS.by_partner.Russian Red Cross.families.by_nationality.KGZ", 8, "Kyrgyzstan (8)"),
    F("RUS.by_partner.Russian Red Cross.families.by_nationality.UKR", 5, "Ukraine (5)"),
    F("RUS.by_partner.Russian Red Cross.families.by_nationality.AZE", 1, "Azerbaijan (1)"),
    F("RUS.by_partner.Russian Red Cross.families.by_nationality.AFG", 1, "Afghanistan (1)"),
    F("RUS.by_partner.Ural House.food_nfi.total", 365,
      "365 migrants were provided with humanitarian assistance"),
    F("RUS.by_partner.Ural House.return.total", 19, "19 were provided with assistance to return"),
    F("RUS.by_partner.IOM Uzbekistan.return.male", 31, "31 male migrants"),
    F("RUS.by_partner.IOM Uzbekistan.return.female", 34, "34 female migrants"),
    F("RUS.by_partner.IOM Uzbekistan.return.by_destination.UZB", 76,
      "assisted voluntary return from the Russian Federation"),
    F("RUS.by_partner.IOM Uzbekistan.return.age_min_months", 2, "from 2 months"),
    F("RUS.by_partner.IOM Uzbekistan.return.age_max_years", 78, "to 78 years old"),
    F("RUS.by_partner.Tong Jahoni.individuals.total", 313, "313 vulnerable migrants"),
    F("RUS.by_partner.Tong Jahoni.individuals.male", 308, "308 male migrants"),
    F("RUS.by_partner.Tong Jahoni.individuals.female", 5, "5 female migrants"),
]

C = Contradiction
CONTRADICTIONS = [
    C("RUS.by_partner.IOM Uzbekistan.return",
      "return for 76 vulnerable migrants (31 male migrants and 34 female migrants)",
      "31 + 34 = 65, not 76: the 76 people are all counted and the 11 others are recorded "
      "with sex not recorded",
      {"total": 76, "male": 31, "female": 34, "not_recorded": 11}),
    C("KAZ.individuals.age_min_years",
      "230 vulnerable migrants ... aged 2 to 69; the 110 returned were aged 1 to 64",
      "the returned are among the 230, so the youngest of the 230 is 1: the overall range "
      "is 1 to 69 and the return range 1 to 64 is kept",
      1),
    C("TJK.by_previous_country",
      "189 migrants; had worked in the Russian Federation (167), Kazakhstan (8), "
      "Azerbaijan (2), India (4) and Turkey (2) = 183",
      "the six others are the heads of the six stranded Moldovan families, counted among the "
      "189 individuals, who had not worked abroad before",
      {"RUS": 167, "KAZ": 8, "IND": 4, "AZE": 2, "TUR": 2}),
    C("RUS.by_partner.Ural House.individuals.total",
      "A total of 365 migrants were provided with humanitarian assistance, and 19 were "
      "provided with assistance to return",
      "two different groups of people: Ural House helped 384 individuals",
      384),
    C("KAZ.coverage.places",
      "eleven places including Karaganda/Temirtau and Taldykorgan",
      "Karaganda/Temirtau is one place (Temirtau, Karaganda region); Taldykorgan is in Almaty "
      "region and Almaty means the city",
      11),
]
