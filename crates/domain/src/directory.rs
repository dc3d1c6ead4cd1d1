//! Countries, regions and currencies (the `directory` module of Magento), as built-in data:
//! every ISO 3166-1 country with its alpha-3 code and English name (CLDR's, which is what
//! Magento shows for `en_US`), and Magento's region lists with Magento's region ids, so an
//! address written with `region_id: 57` means Texas here as it does in a Magento database.
//!
//! Region ids follow the order Magento's data patches insert them on a fresh 2.4 install:
//! `InitializeDirectoryData` numbers US 1–65, CA 66–78, DE 79–94, AT 95–103, CH 104–129,
//! ES 130–181, FR 182–277 (then RO, FI, EE, LV, LT, not carried here) and BR 485–511;
//! the later patches add HR 512–532 (not carried), IN 533–568 and AU 569–576. Codes and
//! names are those of 2.4.7 (Switzerland's 2021 renames applied).

/// One country of the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2, Magento's `country_id`.
    pub id: &'static str,
    pub iso3: &'static str,
    /// English name.
    pub name: &'static str,
}

/// One region (state, province, department) of a country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// Magento's `region_id`.
    pub id: i64,
    pub country_id: &'static str,
    pub code: &'static str,
    pub name: &'static str,
}

const fn c(id: &'static str, iso3: &'static str, name: &'static str) -> Country {
    Country { id, iso3, name }
}

/// Every ISO 3166-1 country, plus Magento's extra entries `AN` (Netherlands Antilles) and
/// `XK` (Kosovo), ordered by id.
pub const COUNTRIES: &[Country] = &[
    c("AD", "AND", "Andorra"),
    c("AE", "ARE", "United Arab Emirates"),
    c("AF", "AFG", "Afghanistan"),
    c("AG", "ATG", "Antigua & Barbuda"),
    c("AI", "AIA", "Anguilla"),
    c("AL", "ALB", "Albania"),
    c("AM", "ARM", "Armenia"),
    c("AN", "ANT", "Netherlands Antilles"),
    c("AO", "AGO", "Angola"),
    c("AQ", "ATA", "Antarctica"),
    c("AR", "ARG", "Argentina"),
    c("AS", "ASM", "American Samoa"),
    c("AT", "AUT", "Austria"),
    c("AU", "AUS", "Australia"),
    c("AW", "ABW", "Aruba"),
    c("AX", "ALA", "Åland Islands"),
    c("AZ", "AZE", "Azerbaijan"),
    c("BA", "BIH", "Bosnia & Herzegovina"),
    c("BB", "BRB", "Barbados"),
    c("BD", "BGD", "Bangladesh"),
    c("BE", "BEL", "Belgium"),
    c("BF", "BFA", "Burkina Faso"),
    c("BG", "BGR", "Bulgaria"),
    c("BH", "BHR", "Bahrain"),
    c("BI", "BDI", "Burundi"),
    c("BJ", "BEN", "Benin"),
    c("BL", "BLM", "St. Barthélemy"),
    c("BM", "BMU", "Bermuda"),
    c("BN", "BRN", "Brunei"),
    c("BO", "BOL", "Bolivia"),
    c("BQ", "BES", "Caribbean Netherlands"),
    c("BR", "BRA", "Brazil"),
    c("BS", "BHS", "Bahamas"),
    c("BT", "BTN", "Bhutan"),
    c("BV", "BVT", "Bouvet Island"),
    c("BW", "BWA", "Botswana"),
    c("BY", "BLR", "Belarus"),
    c("BZ", "BLZ", "Belize"),
    c("CA", "CAN", "Canada"),
    c("CC", "CCK", "Cocos (Keeling) Islands"),
    c("CD", "COD", "Congo - Kinshasa"),
    c("CF", "CAF", "Central African Republic"),
    c("CG", "COG", "Congo - Brazzaville"),
    c("CH", "CHE", "Switzerland"),
    c("CI", "CIV", "Côte d’Ivoire"),
    c("CK", "COK", "Cook Islands"),
    c("CL", "CHL", "Chile"),
    c("CM", "CMR", "Cameroon"),
    c("CN", "CHN", "China"),
    c("CO", "COL", "Colombia"),
    c("CR", "CRI", "Costa Rica"),
    c("CU", "CUB", "Cuba"),
    c("CV", "CPV", "Cape Verde"),
    c("CW", "CUW", "Curaçao"),
    c("CX", "CXR", "Christmas Island"),
    c("CY", "CYP", "Cyprus"),
    c("CZ", "CZE", "Czechia"),
    c("DE", "DEU", "Germany"),
    c("DJ", "DJI", "Djibouti"),
    c("DK", "DNK", "Denmark"),
    c("DM", "DMA", "Dominica"),
    c("DO", "DOM", "Dominican Republic"),
    c("DZ", "DZA", "Algeria"),
    c("EC", "ECU", "Ecuador"),
    c("EE", "EST", "Estonia"),
    c("EG", "EGY", "Egypt"),
    c("EH", "ESH", "Western Sahara"),
    c("ER", "ERI", "Eritrea"),
    c("ES", "ESP", "Spain"),
    c("ET", "ETH", "Ethiopia"),
    c("FI", "FIN", "Finland"),
    c("FJ", "FJI", "Fiji"),
    c("FK", "FLK", "Falkland Islands"),
    c("FM", "FSM", "Micronesia"),
    c("FO", "FRO", "Faroe Islands"),
    c("FR", "FRA", "France"),
    c("GA", "GAB", "Gabon"),
    c("GB", "GBR", "United Kingdom"),
    c("GD", "GRD", "Grenada"),
    c("GE", "GEO", "Georgia"),
    c("GF", "GUF", "French Guiana"),
    c("GG", "GGY", "Guernsey"),
    c("GH", "GHA", "Ghana"),
    c("GI", "GIB", "Gibraltar"),
    c("GL", "GRL", "Greenland"),
    c("GM", "GMB", "Gambia"),
    c("GN", "GIN", "Guinea"),
    c("GP", "GLP", "Guadeloupe"),
    c("GQ", "GNQ", "Equatorial Guinea"),
    c("GR", "GRC", "Greece"),
    c("GS", "SGS", "South Georgia & South Sandwich Islands"),
    c("GT", "GTM", "Guatemala"),
    c("GU", "GUM", "Guam"),
    c("GW", "GNB", "Guinea-Bissau"),
    c("GY", "GUY", "Guyana"),
    c("HK", "HKG", "Hong Kong SAR China"),
    c("HM", "HMD", "Heard & McDonald Islands"),
    c("HN", "HND", "Honduras"),
    c("HR", "HRV", "Croatia"),
    c("HT", "HTI", "Haiti"),
    c("HU", "HUN", "Hungary"),
    c("ID", "IDN", "Indonesia"),
    c("IE", "IRL", "Ireland"),
    c("IL", "ISR", "Israel"),
    c("IM", "IMN", "Isle of Man"),
    c("IN", "IND", "India"),
    c("IO", "IOT", "British Indian Ocean Territory"),
    c("IQ", "IRQ", "Iraq"),
    c("IR", "IRN", "Iran"),
    c("IS", "ISL", "Iceland"),
    c("IT", "ITA", "Italy"),
    c("JE", "JEY", "Jersey"),
    c("JM", "JAM", "Jamaica"),
    c("JO", "JOR", "Jordan"),
    c("JP", "JPN", "Japan"),
    c("KE", "KEN", "Kenya"),
    c("KG", "KGZ", "Kyrgyzstan"),
    c("KH", "KHM", "Cambodia"),
    c("KI", "KIR", "Kiribati"),
    c("KM", "COM", "Comoros"),
    c("KN", "KNA", "St. Kitts & Nevis"),
    c("KP", "PRK", "North Korea"),
    c("KR", "KOR", "South Korea"),
    c("KW", "KWT", "Kuwait"),
    c("KY", "CYM", "Cayman Islands"),
    c("KZ", "KAZ", "Kazakhstan"),
    c("LA", "LAO", "Laos"),
    c("LB", "LBN", "Lebanon"),
    c("LC", "LCA", "St. Lucia"),
    c("LI", "LIE", "Liechtenstein"),
    c("LK", "LKA", "Sri Lanka"),
    c("LR", "LBR", "Liberia"),
    c("LS", "LSO", "Lesotho"),
    c("LT", "LTU", "Lithuania"),
    c("LU", "LUX", "Luxembourg"),
    c("LV", "LVA", "Latvia"),
    c("LY", "LBY", "Libya"),
    c("MA", "MAR", "Morocco"),
    c("MC", "MCO", "Monaco"),
    c("MD", "MDA", "Moldova"),
    c("ME", "MNE", "Montenegro"),
    c("MF", "MAF", "St. Martin"),
    c("MG", "MDG", "Madagascar"),
    c("MH", "MHL", "Marshall Islands"),
    c("MK", "MKD", "North Macedonia"),
    c("ML", "MLI", "Mali"),
    c("MM", "MMR", "Myanmar (Burma)"),
    c("MN", "MNG", "Mongolia"),
    c("MO", "MAC", "Macao SAR China"),
    c("MP", "MNP", "Northern Mariana Islands"),
    c("MQ", "MTQ", "Martinique"),
    c("MR", "MRT", "Mauritania"),
    c("MS", "MSR", "Montserrat"),
    c("MT", "MLT", "Malta"),
    c("MU", "MUS", "Mauritius"),
    c("MV", "MDV", "Maldives"),
    c("MW", "MWI", "Malawi"),
    c("MX", "MEX", "Mexico"),
    c("MY", "MYS", "Malaysia"),
    c("MZ", "MOZ", "Mozambique"),
    c("NA", "NAM", "Namibia"),
    c("NC", "NCL", "New Caledonia"),
    c("NE", "NER", "Niger"),
    c("NF", "NFK", "Norfolk Island"),
    c("NG", "NGA", "Nigeria"),
    c("NI", "NIC", "Nicaragua"),
    c("NL", "NLD", "Netherlands"),
    c("NO", "NOR", "Norway"),
    c("NP", "NPL", "Nepal"),
    c("NR", "NRU", "Nauru"),
    c("NU", "NIU", "Niue"),
    c("NZ", "NZL", "New Zealand"),
    c("OM", "OMN", "Oman"),
    c("PA", "PAN", "Panama"),
    c("PE", "PER", "Peru"),
    c("PF", "PYF", "French Polynesia"),
    c("PG", "PNG", "Papua New Guinea"),
    c("PH", "PHL", "Philippines"),
    c("PK", "PAK", "Pakistan"),
    c("PL", "POL", "Poland"),
    c("PM", "SPM", "St. Pierre & Miquelon"),
    c("PN", "PCN", "Pitcairn Islands"),
    c("PR", "PRI", "Puerto Rico"),
    c("PS", "PSE", "Palestinian Territories"),
    c("PT", "PRT", "Portugal"),
    c("PW", "PLW", "Palau"),
    c("PY", "PRY", "Paraguay"),
    c("QA", "QAT", "Qatar"),
    c("RE", "REU", "Réunion"),
    c("RO", "ROU", "Romania"),
    c("RS", "SRB", "Serbia"),
    c("RU", "RUS", "Russia"),
    c("RW", "RWA", "Rwanda"),
    c("SA", "SAU", "Saudi Arabia"),
    c("SB", "SLB", "Solomon Islands"),
    c("SC", "SYC", "Seychelles"),
    c("SD", "SDN", "Sudan"),
    c("SE", "SWE", "Sweden"),
    c("SG", "SGP", "Singapore"),
    c("SH", "SHN", "St. Helena"),
    c("SI", "SVN", "Slovenia"),
    c("SJ", "SJM", "Svalbard & Jan Mayen"),
    c("SK", "SVK", "Slovakia"),
    c("SL", "SLE", "Sierra Leone"),
    c("SM", "SMR", "San Marino"),
    c("SN", "SEN", "Senegal"),
    c("SO", "SOM", "Somalia"),
    c("SR", "SUR", "Suriname"),
    c("SS", "SSD", "South Sudan"),
    c("ST", "STP", "São Tomé & Príncipe"),
    c("SV", "SLV", "El Salvador"),
    c("SX", "SXM", "Sint Maarten"),
    c("SY", "SYR", "Syria"),
    c("SZ", "SWZ", "Eswatini"),
    c("TC", "TCA", "Turks & Caicos Islands"),
    c("TD", "TCD", "Chad"),
    c("TF", "ATF", "French Southern Territories"),
    c("TG", "TGO", "Togo"),
    c("TH", "THA", "Thailand"),
    c("TJ", "TJK", "Tajikistan"),
    c("TK", "TKL", "Tokelau"),
    c("TL", "TLS", "Timor-Leste"),
    c("TM", "TKM", "Turkmenistan"),
    c("TN", "TUN", "Tunisia"),
    c("TO", "TON", "Tonga"),
    c("TR", "TUR", "Türkiye"),
    c("TT", "TTO", "Trinidad & Tobago"),
    c("TV", "TUV", "Tuvalu"),
    c("TW", "TWN", "Taiwan"),
    c("TZ", "TZA", "Tanzania"),
    c("UA", "UKR", "Ukraine"),
    c("UG", "UGA", "Uganda"),
    c("UM", "UMI", "U.S. Outlying Islands"),
    c("US", "USA", "United States"),
    c("UY", "URY", "Uruguay"),
    c("UZ", "UZB", "Uzbekistan"),
    c("VA", "VAT", "Vatican City"),
    c("VC", "VCT", "St. Vincent & Grenadines"),
    c("VE", "VEN", "Venezuela"),
    c("VG", "VGB", "British Virgin Islands"),
    c("VI", "VIR", "U.S. Virgin Islands"),
    c("VN", "VNM", "Vietnam"),
    c("VU", "VUT", "Vanuatu"),
    c("WF", "WLF", "Wallis & Futuna"),
    c("WS", "WSM", "Samoa"),
    c("XK", "XKX", "Kosovo"),
    c("YE", "YEM", "Yemen"),
    c("YT", "MYT", "Mayotte"),
    c("ZA", "ZAF", "South Africa"),
    c("ZM", "ZMB", "Zambia"),
    c("ZW", "ZWE", "Zimbabwe"),
];

/// One country's regions: the id of the first, then `(code, name)` in Magento's insertion
/// order, which numbers them consecutively.
struct RegionBlock {
    country_id: &'static str,
    first_id: i64,
    regions: &'static [(&'static str, &'static str)],
}

const REGION_BLOCKS: &[RegionBlock] = &[
    RegionBlock {
        country_id: "US",
        first_id: 1,
        regions: &[
            ("AL", "Alabama"),
            ("AK", "Alaska"),
            ("AS", "American Samoa"),
            ("AZ", "Arizona"),
            ("AR", "Arkansas"),
            ("AE", "Armed Forces Africa"),
            ("AA", "Armed Forces Americas"),
            ("AE", "Armed Forces Canada"),
            ("AE", "Armed Forces Europe"),
            ("AE", "Armed Forces Middle East"),
            ("AP", "Armed Forces Pacific"),
            ("CA", "California"),
            ("CO", "Colorado"),
            ("CT", "Connecticut"),
            ("DE", "Delaware"),
            ("DC", "District of Columbia"),
            ("FM", "Federated States Of Micronesia"),
            ("FL", "Florida"),
            ("GA", "Georgia"),
            ("GU", "Guam"),
            ("HI", "Hawaii"),
            ("ID", "Idaho"),
            ("IL", "Illinois"),
            ("IN", "Indiana"),
            ("IA", "Iowa"),
            ("KS", "Kansas"),
            ("KY", "Kentucky"),
            ("LA", "Louisiana"),
            ("ME", "Maine"),
            ("MH", "Marshall Islands"),
            ("MD", "Maryland"),
            ("MA", "Massachusetts"),
            ("MI", "Michigan"),
            ("MN", "Minnesota"),
            ("MS", "Mississippi"),
            ("MO", "Missouri"),
            ("MT", "Montana"),
            ("NE", "Nebraska"),
            ("NV", "Nevada"),
            ("NH", "New Hampshire"),
            ("NJ", "New Jersey"),
            ("NM", "New Mexico"),
            ("NY", "New York"),
            ("NC", "North Carolina"),
            ("ND", "North Dakota"),
            ("MP", "Northern Mariana Islands"),
            ("OH", "Ohio"),
            ("OK", "Oklahoma"),
            ("OR", "Oregon"),
            ("PW", "Palau"),
            ("PA", "Pennsylvania"),
            ("PR", "Puerto Rico"),
            ("RI", "Rhode Island"),
            ("SC", "South Carolina"),
            ("SD", "South Dakota"),
            ("TN", "Tennessee"),
            ("TX", "Texas"),
            ("UT", "Utah"),
            ("VT", "Vermont"),
            ("VI", "Virgin Islands"),
            ("VA", "Virginia"),
            ("WA", "Washington"),
            ("WV", "West Virginia"),
            ("WI", "Wisconsin"),
            ("WY", "Wyoming"),
        ],
    },
    RegionBlock {
        country_id: "CA",
        first_id: 66,
        regions: &[
            ("AB", "Alberta"),
            ("BC", "British Columbia"),
            ("MB", "Manitoba"),
            ("NL", "Newfoundland and Labrador"),
            ("NB", "New Brunswick"),
            ("NS", "Nova Scotia"),
            ("NT", "Northwest Territories"),
            ("NU", "Nunavut"),
            ("ON", "Ontario"),
            ("PE", "Prince Edward Island"),
            ("QC", "Quebec"),
            ("SK", "Saskatchewan"),
            ("YT", "Yukon Territory"),
        ],
    },
    RegionBlock {
        country_id: "DE",
        first_id: 79,
        regions: &[
            ("NDS", "Niedersachsen"),
            ("BAW", "Baden-Württemberg"),
            ("BAY", "Bayern"),
            ("BER", "Berlin"),
            ("BRG", "Brandenburg"),
            ("BRE", "Bremen"),
            ("HAM", "Hamburg"),
            ("HES", "Hessen"),
            ("MEC", "Mecklenburg-Vorpommern"),
            ("NRW", "Nordrhein-Westfalen"),
            ("RHE", "Rheinland-Pfalz"),
            ("SAR", "Saarland"),
            ("SAS", "Sachsen"),
            ("SAC", "Sachsen-Anhalt"),
            ("SCN", "Schleswig-Holstein"),
            ("THE", "Thüringen"),
        ],
    },
    RegionBlock {
        country_id: "AT",
        first_id: 95,
        regions: &[
            ("WI", "Wien"),
            ("NO", "Niederösterreich"),
            ("OO", "Oberösterreich"),
            ("SB", "Salzburg"),
            ("KN", "Kärnten"),
            ("ST", "Steiermark"),
            ("TI", "Tirol"),
            ("BL", "Burgenland"),
            ("VB", "Vorarlberg"),
        ],
    },
    RegionBlock {
        country_id: "CH",
        first_id: 104,
        regions: &[
            ("AG", "Aargau"),
            ("AI", "Appenzell Innerrhoden"),
            ("AR", "Appenzell Ausserrhoden"),
            ("BE", "Bern"),
            ("BL", "Basel-Landschaft"),
            ("BS", "Basel-Stadt"),
            ("FR", "Friburg"),
            ("GE", "Geneva"),
            ("GL", "Glarus"),
            ("GR", "Graubünden"),
            ("JU", "Jura"),
            ("LU", "Lucerne"),
            ("NE", "Neuchâtel"),
            ("NW", "Nidwalden"),
            ("OW", "Obwalden"),
            ("SG", "St. Gallen"),
            ("SH", "Schaffhausen"),
            ("SO", "Solothurn"),
            ("SZ", "Schwyz"),
            ("TG", "Thurgau"),
            ("TI", "Ticino"),
            ("UR", "Uri"),
            ("VD", "Vaud"),
            ("VS", "Wallis"),
            ("ZG", "Zug"),
            ("ZH", "Zürich"),
        ],
    },
    RegionBlock {
        country_id: "ES",
        first_id: 130,
        regions: &[
            // Magento's code for A Coruña really is spelt with a Cyrillic "с" (U+0441).
            ("A Coru\u{0441}a", "A Coruña"),
            ("Alava", "Alava"),
            ("Albacete", "Albacete"),
            ("Alicante", "Alicante"),
            ("Almeria", "Almeria"),
            ("Asturias", "Asturias"),
            ("Avila", "Avila"),
            ("Badajoz", "Badajoz"),
            ("Baleares", "Baleares"),
            ("Barcelona", "Barcelona"),
            ("Burgos", "Burgos"),
            ("Caceres", "Caceres"),
            ("Cadiz", "Cadiz"),
            ("Cantabria", "Cantabria"),
            ("Castellon", "Castellon"),
            ("Ceuta", "Ceuta"),
            ("Ciudad Real", "Ciudad Real"),
            ("Cordoba", "Cordoba"),
            ("Cuenca", "Cuenca"),
            ("Girona", "Girona"),
            ("Granada", "Granada"),
            ("Guadalajara", "Guadalajara"),
            ("Guipuzcoa", "Guipuzcoa"),
            ("Huelva", "Huelva"),
            ("Huesca", "Huesca"),
            ("Jaen", "Jaen"),
            ("La Rioja", "La Rioja"),
            ("Las Palmas", "Las Palmas"),
            ("Leon", "Leon"),
            ("Lleida", "Lleida"),
            ("Lugo", "Lugo"),
            ("Madrid", "Madrid"),
            ("Malaga", "Malaga"),
            ("Melilla", "Melilla"),
            ("Murcia", "Murcia"),
            ("Navarra", "Navarra"),
            ("Ourense", "Ourense"),
            ("Palencia", "Palencia"),
            ("Pontevedra", "Pontevedra"),
            ("Salamanca", "Salamanca"),
            ("Santa Cruz de Tenerife", "Santa Cruz de Tenerife"),
            ("Segovia", "Segovia"),
            ("Sevilla", "Sevilla"),
            ("Soria", "Soria"),
            ("Tarragona", "Tarragona"),
            ("Teruel", "Teruel"),
            ("Toledo", "Toledo"),
            ("Valencia", "Valencia"),
            ("Valladolid", "Valladolid"),
            ("Vizcaya", "Vizcaya"),
            ("Zamora", "Zamora"),
            ("Zaragoza", "Zaragoza"),
        ],
    },
    RegionBlock {
        country_id: "FR",
        first_id: 182,
        regions: &[
            ("1", "Ain"),
            ("2", "Aisne"),
            ("3", "Allier"),
            ("4", "Alpes-de-Haute-Provence"),
            ("5", "Hautes-Alpes"),
            ("6", "Alpes-Maritimes"),
            ("7", "Ardèche"),
            ("8", "Ardennes"),
            ("9", "Ariège"),
            ("10", "Aube"),
            ("11", "Aude"),
            ("12", "Aveyron"),
            ("13", "Bouches-du-Rhône"),
            ("14", "Calvados"),
            ("15", "Cantal"),
            ("16", "Charente"),
            ("17", "Charente-Maritime"),
            ("18", "Cher"),
            ("19", "Corrèze"),
            ("2A", "Corse-du-Sud"),
            ("2B", "Haute-Corse"),
            ("21", "Côte-d'Or"),
            ("22", "Côtes-d'Armor"),
            ("23", "Creuse"),
            ("24", "Dordogne"),
            ("25", "Doubs"),
            ("26", "Drôme"),
            ("27", "Eure"),
            ("28", "Eure-et-Loir"),
            ("29", "Finistère"),
            ("30", "Gard"),
            ("31", "Haute-Garonne"),
            ("32", "Gers"),
            ("33", "Gironde"),
            ("34", "Hérault"),
            ("35", "Ille-et-Vilaine"),
            ("36", "Indre"),
            ("37", "Indre-et-Loire"),
            ("38", "Isère"),
            ("39", "Jura"),
            ("40", "Landes"),
            ("41", "Loir-et-Cher"),
            ("42", "Loire"),
            ("43", "Haute-Loire"),
            ("44", "Loire-Atlantique"),
            ("45", "Loiret"),
            ("46", "Lot"),
            ("47", "Lot-et-Garonne"),
            ("48", "Lozère"),
            ("49", "Maine-et-Loire"),
            ("50", "Manche"),
            ("51", "Marne"),
            ("52", "Haute-Marne"),
            ("53", "Mayenne"),
            ("54", "Meurthe-et-Moselle"),
            ("55", "Meuse"),
            ("56", "Morbihan"),
            ("57", "Moselle"),
            ("58", "Nièvre"),
            ("59", "Nord"),
            ("60", "Oise"),
            ("61", "Orne"),
            ("62", "Pas-de-Calais"),
            ("63", "Puy-de-Dôme"),
            ("64", "Pyrénées-Atlantiques"),
            ("65", "Hautes-Pyrénées"),
            ("66", "Pyrénées-Orientales"),
            ("67", "Bas-Rhin"),
            ("68", "Haut-Rhin"),
            ("69", "Rhône"),
            ("70", "Haute-Saône"),
            ("71", "Saône-et-Loire"),
            ("72", "Sarthe"),
            ("73", "Savoie"),
            ("74", "Haute-Savoie"),
            ("75", "Paris"),
            ("76", "Seine-Maritime"),
            ("77", "Seine-et-Marne"),
            ("78", "Yvelines"),
            ("79", "Deux-Sèvres"),
            ("80", "Somme"),
            ("81", "Tarn"),
            ("82", "Tarn-et-Garonne"),
            ("83", "Var"),
            ("84", "Vaucluse"),
            ("85", "Vendée"),
            ("86", "Vienne"),
            ("87", "Haute-Vienne"),
            ("88", "Vosges"),
            ("89", "Yonne"),
            ("90", "Territoire-de-Belfort"),
            ("91", "Essonne"),
            ("92", "Hauts-de-Seine"),
            ("93", "Seine-Saint-Denis"),
            ("94", "Val-de-Marne"),
            ("95", "Val-d'Oise"),
        ],
    },
    RegionBlock {
        country_id: "BR",
        first_id: 485,
        regions: &[
            ("AC", "Acre"),
            ("AL", "Alagoas"),
            ("AP", "Amapá"),
            ("AM", "Amazonas"),
            ("BA", "Bahia"),
            ("CE", "Ceará"),
            ("ES", "Espírito Santo"),
            ("GO", "Goiás"),
            ("MA", "Maranhão"),
            ("MT", "Mato Grosso"),
            ("MS", "Mato Grosso do Sul"),
            ("MG", "Minas Gerais"),
            ("PA", "Pará"),
            ("PB", "Paraíba"),
            ("PR", "Paraná"),
            ("PE", "Pernambuco"),
            ("PI", "Piauí"),
            ("RJ", "Rio de Janeiro"),
            ("RN", "Rio Grande do Norte"),
            ("RS", "Rio Grande do Sul"),
            ("RO", "Rondônia"),
            ("RR", "Roraima"),
            ("SC", "Santa Catarina"),
            ("SP", "São Paulo"),
            ("SE", "Sergipe"),
            ("TO", "Tocantins"),
            ("DF", "Distrito Federal"),
        ],
    },
    RegionBlock {
        country_id: "IN",
        first_id: 533,
        regions: &[
            ("AN", "Andaman and Nicobar Islands"),
            ("AP", "Andhra Pradesh"),
            ("AR", "Arunachal Pradesh"),
            ("AS", "Assam"),
            ("BR", "Bihar"),
            ("CH", "Chandigarh"),
            ("CT", "Chhattisgarh"),
            ("DN", "Dadra and Nagar Haveli"),
            ("DD", "Daman and Diu"),
            ("DL", "Delhi"),
            ("GA", "Goa"),
            ("GJ", "Gujarat"),
            ("HR", "Haryana"),
            ("HP", "Himachal Pradesh"),
            ("JK", "Jammu and Kashmir"),
            ("JH", "Jharkhand"),
            ("KA", "Karnataka"),
            ("KL", "Kerala"),
            ("LD", "Lakshadweep"),
            ("MP", "Madhya Pradesh"),
            ("MH", "Maharashtra"),
            ("MN", "Manipur"),
            ("ML", "Meghalaya"),
            ("MZ", "Mizoram"),
            ("NL", "Nagaland"),
            ("OR", "Odisha"),
            ("PY", "Puducherry"),
            ("PB", "Punjab"),
            ("RJ", "Rajasthan"),
            ("SK", "Sikkim"),
            ("TN", "Tamil Nadu"),
            ("TG", "Telangana"),
            ("TR", "Tripura"),
            ("UP", "Uttar Pradesh"),
            ("UT", "Uttarakhand"),
            ("WB", "West Bengal"),
        ],
    },
    RegionBlock {
        country_id: "AU",
        first_id: 569,
        regions: &[
            ("ACT", "Australian Capital Territory"),
            ("NSW", "New South Wales"),
            ("VIC", "Victoria"),
            ("QLD", "Queensland"),
            ("SA", "South Australia"),
            ("TAS", "Tasmania"),
            ("WA", "Western Australia"),
            ("NT", "Northern Territory"),
        ],
    },
];

/// Every country, ordered by id.
pub fn countries() -> &'static [Country] {
    COUNTRIES
}

/// A country by its two-letter id, case-insensitively (Magento's ids are upper case).
pub fn country(id: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.id.eq_ignore_ascii_case(id))
}

/// A country's regions ordered by name, as Magento's region collection lists them; empty
/// for countries without a region list.
pub fn regions(country_id: &str) -> Vec<Region> {
    let mut out: Vec<Region> = REGION_BLOCKS
        .iter()
        .filter(|b| b.country_id == country_id)
        .flat_map(|b| {
            b.regions.iter().zip(b.first_id..).map(|(&(code, name), id)| Region {
                id,
                country_id: b.country_id,
                code,
                name,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(b.name).then(a.id.cmp(&b.id)));
    out
}

/// A region by Magento's region id.
pub fn region(id: i64) -> Option<Region> {
    REGION_BLOCKS.iter().find_map(|b| {
        // Checked: the id is the client's, and may be as low as i64::MIN.
        let index = usize::try_from(id.checked_sub(b.first_id)?).ok()?;
        b.regions.get(index).map(|&(code, name)| Region { id, country_id: b.country_id, code, name })
    })
}

/// A region by country and code (the first, where Magento repeats a code such as `AE`).
pub fn region_by_code(country_id: &str, code: &str) -> Option<Region> {
    REGION_BLOCKS.iter().filter(|b| b.country_id == country_id).find_map(|b| {
        b.regions
            .iter()
            .zip(b.first_id..)
            .find(|((c, _), _)| c.eq_ignore_ascii_case(code))
            .map(|(&(code, name), id)| Region { id, country_id: b.country_id, code, name })
    })
}

/// Currency symbols as CLDR writes them for English (what Magento shows for `en_US`); a
/// currency without one is shown by its code.
const CURRENCY_SYMBOLS: &[(&str, &str)] = &[
    ("AUD", "A$"),
    ("BRL", "R$"),
    ("CAD", "CA$"),
    ("CNY", "CN¥"),
    ("EUR", "€"),
    ("GBP", "£"),
    ("HKD", "HK$"),
    ("ILS", "₪"),
    ("INR", "₹"),
    ("JPY", "¥"),
    ("KRW", "₩"),
    ("MXN", "MX$"),
    ("NZD", "NZ$"),
    ("PHP", "₱"),
    ("TWD", "NT$"),
    ("USD", "$"),
    ("VND", "₫"),
    ("XAF", "FCFA"),
    ("XCD", "EC$"),
    ("XOF", "F\u{202f}CFA"),
    ("XPF", "CFPF"),
];

pub fn currency_symbol(code: &str) -> String {
    CURRENCY_SYMBOLS.iter().find(|(c, _)| *c == code).map_or_else(|| code.to_owned(), |(_, s)| (*s).to_owned())
}

/// The rates a fresh Magento install ships in `directory_currency_rate`.
const DEFAULT_RATES: &[(&str, &str, &str)] =
    &[("EUR", "EUR", "1"), ("EUR", "USD", "1.415"), ("USD", "EUR", "0.7067"), ("USD", "USD", "1")];

/// The rate from `from` to `to`: 1 for the same currency, Magento's stock rates otherwise,
/// `None` when no rate is known.
pub fn default_rate(from: &str, to: &str) -> Option<rust_decimal::Decimal> {
    if from == to {
        return Some(rust_decimal::Decimal::ONE);
    }
    DEFAULT_RATES.iter().find(|(f, t, _)| *f == from && *t == to).and_then(|(_, _, r)| r.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_iso_country_once_with_unique_codes() {
        assert!(COUNTRIES.len() >= 249, "{}", COUNTRIES.len());
        let ids: HashSet<_> = COUNTRIES.iter().map(|c| c.id).collect();
        let iso3: HashSet<_> = COUNTRIES.iter().map(|c| c.iso3).collect();
        assert_eq!(ids.len(), COUNTRIES.len());
        assert_eq!(iso3.len(), COUNTRIES.len());
        assert!(COUNTRIES.windows(2).all(|w| w[0].id < w[1].id), "ordered by id");
        for c in COUNTRIES {
            assert!(c.id.len() == 2 && c.id.bytes().all(|b| b.is_ascii_uppercase()), "{c:?}");
            assert!(c.iso3.len() == 3 && c.iso3.bytes().all(|b| b.is_ascii_uppercase()), "{c:?}");
            assert!(!c.name.is_empty());
        }
        assert_eq!(country("us").unwrap().name, "United States");
        assert_eq!(country("DE").unwrap().iso3, "DEU");
        assert!(country("ZZ").is_none());
    }

    #[test]
    fn region_ids_are_magentos() {
        let expect = [
            (1, "US", "AL", "Alabama"),
            (12, "US", "CA", "California"),
            (33, "US", "MI", "Michigan"),
            (43, "US", "NY", "New York"),
            (57, "US", "TX", "Texas"),
            (65, "US", "WY", "Wyoming"),
            (66, "CA", "AB", "Alberta"),
            (74, "CA", "ON", "Ontario"),
            (78, "CA", "YT", "Yukon Territory"),
            (79, "DE", "NDS", "Niedersachsen"),
            (82, "DE", "BER", "Berlin"),
            (94, "DE", "THE", "Thüringen"),
            (95, "AT", "WI", "Wien"),
            (129, "CH", "ZH", "Zürich"),
            (161, "ES", "Madrid", "Madrid"),
            (181, "ES", "Zaragoza", "Zaragoza"),
            (257, "FR", "75", "Paris"),
            (277, "FR", "95", "Val-d'Oise"),
            (485, "BR", "AC", "Acre"),
            (508, "BR", "SP", "São Paulo"),
            (511, "BR", "DF", "Distrito Federal"),
            (553, "IN", "MH", "Maharashtra"),
            (568, "IN", "WB", "West Bengal"),
            (569, "AU", "ACT", "Australian Capital Territory"),
            (570, "AU", "NSW", "New South Wales"),
            (576, "AU", "NT", "Northern Territory"),
        ];
        for (id, country, code, name) in expect {
            let r = region(id).unwrap_or_else(|| panic!("region {id}"));
            assert_eq!((r.country_id, r.code, r.name), (country, code, name), "{id}");
            assert_eq!(region_by_code(country, code).map(|r| r.id), Some(id), "{country} {code}");
        }
        assert!(region(0).is_none() && region(300).is_none() && region(577).is_none());
        // No two blocks overlap.
        let mut seen = HashSet::new();
        for b in REGION_BLOCKS {
            for id in b.first_id..b.first_id + b.regions.len() as i64 {
                assert!(seen.insert(id), "region id {id} twice");
            }
        }
    }

    #[test]
    fn regions_are_listed_by_name() {
        let us = regions("US");
        assert_eq!(us.len(), 65);
        assert_eq!(us[0].name, "Alabama");
        assert!(us.windows(2).all(|w| w[0].name <= w[1].name));
        assert!(regions("GB").is_empty());
    }

    #[test]
    fn currencies() {
        assert_eq!(currency_symbol("USD"), "$");
        assert_eq!(currency_symbol("EUR"), "€");
        assert_eq!(currency_symbol("SEK"), "SEK");
        assert_eq!(default_rate("USD", "USD"), Some(rust_decimal::Decimal::ONE));
        assert_eq!(default_rate("USD", "EUR").unwrap().to_string(), "0.7067");
        assert_eq!(default_rate("USD", "JPY"), None);
    }
}
