//! Word lists the demo store is made from: product names, attribute option labels and US
//! people and places. All ASCII, with no characters HTML or email addresses would need escaped.

/// First words of product names, in the spirit of Magento's Luma sample catalog.
pub(super) const PRODUCT_NAMES: &[&str] = &[
    "Adrienne", "Ajax", "Apollo", "Ariel", "Artemis", "Atlas", "Aurora", "Balboa", "Beaumont", "Caspian", "Cassius",
    "Celeste", "Chaz", "Circe", "Cora", "Daphne", "Delphi", "Dione", "Echo", "Electra", "Elisa", "Erica", "Fiona",
    "Gaia", "Hades", "Helios", "Hera", "Hyperion", "Ida", "Ingrid", "Iris", "Jade", "Juno", "Kai", "Kratos", "Layla",
    "Leda", "Lucia", "Lyra", "Marco", "Meteor", "Minerva", "Nadia", "Neptune", "Nova", "Oberon", "Olympus", "Orion",
    "Pallas", "Phoebe", "Portia", "Proteus", "Rhea", "Riona", "Selene", "Sirius", "Stellar", "Sylvia", "Teton",
    "Thorpe", "Titan", "Ulysses", "Vesta", "Zephyr",
];

pub(super) const COLORS: &[&str] =
    &["Black", "Blue", "Brown", "Gray", "Green", "Lavender", "Navy", "Orange", "Purple", "Red", "White", "Yellow"];

pub(super) const TOP_SIZES: &[&str] = &["XS", "S", "M", "L", "XL"];
pub(super) const WOMEN_BOTTOM_SIZES: &[&str] = &["28", "29", "30", "31", "32"];
pub(super) const MEN_BOTTOM_SIZES: &[&str] = &["30", "31", "32", "33", "34", "36"];
/// Every size, in the order the `size` options are created (and shown).
pub(super) const SIZES: &[&str] = &["XS", "S", "M", "L", "XL", "28", "29", "30", "31", "32", "33", "34", "36"];

pub(super) const MATERIALS: &[&str] = &[
    "Cotton",
    "Organic Cotton",
    "Polyester",
    "Recycled Polyester",
    "Nylon",
    "Spandex",
    "Merino Wool",
    "Fleece",
    "Hemp",
    "Bamboo",
    "Mesh",
    "Canvas",
    "Leather",
    "Rubber",
    "Foam",
    "Cork",
    "Plastic",
    "Silicone",
    "Stainless Steel",
    "Aluminum",
];

pub(super) const ACTIVITIES: &[&str] = &[
    "Yoga", "Running", "Hiking", "Gym", "Cycling", "Climbing", "Training", "Lounge", "Travel", "Trail", "Swimming",
    "Outdoor",
];

pub(super) const PATTERNS: &[&str] =
    &["Solid", "Color-Blocked", "Striped", "Heathered", "Camouflage", "Graphic Print", "Checked", "Logo"];

pub(super) const CLIMATES: &[&str] =
    &["All-Weather", "Cold", "Cool", "Mild", "Warm", "Hot", "Indoor", "Rainy", "Windy"];

pub(super) const MANUFACTURERS: &[&str] = &[
    "Northwind Outfitters",
    "Summit Supply Co.",
    "Trailhead Gear",
    "Blue Ridge Athletics",
    "Aurora Sport",
    "Peakform",
    "Ironwood Fitness",
    "Cascade Goods",
];

pub(super) const FEMALE_NAMES: &[&str] = &[
    "Emma",
    "Olivia",
    "Ava",
    "Sophia",
    "Isabella",
    "Mia",
    "Charlotte",
    "Amelia",
    "Harper",
    "Evelyn",
    "Abigail",
    "Emily",
    "Elizabeth",
    "Sofia",
    "Madison",
    "Avery",
    "Ella",
    "Scarlett",
    "Grace",
    "Chloe",
    "Victoria",
    "Riley",
    "Aria",
    "Lily",
    "Zoey",
    "Hannah",
    "Nora",
    "Layla",
    "Addison",
    "Natalie",
    "Leah",
    "Audrey",
    "Claire",
    "Lucy",
    "Anna",
    "Samantha",
    "Caroline",
    "Maya",
    "Sarah",
    "Julia",
    "Veronica",
    "Megan",
    "Rachel",
    "Laura",
    "Jennifer",
    "Jessica",
    "Karen",
    "Linda",
    "Maria",
    "Susan",
];

pub(super) const MALE_NAMES: &[&str] = &[
    "Liam",
    "Noah",
    "William",
    "James",
    "Oliver",
    "Benjamin",
    "Elijah",
    "Lucas",
    "Mason",
    "Logan",
    "Alexander",
    "Ethan",
    "Jacob",
    "Michael",
    "Daniel",
    "Henry",
    "Jackson",
    "Sebastian",
    "Aiden",
    "Matthew",
    "Samuel",
    "David",
    "Joseph",
    "Carter",
    "Owen",
    "Wyatt",
    "John",
    "Jack",
    "Luke",
    "Jayden",
    "Dylan",
    "Grayson",
    "Levi",
    "Isaac",
    "Gabriel",
    "Julian",
    "Anthony",
    "Thomas",
    "Charles",
    "Christopher",
    "Andrew",
    "Joshua",
    "Ryan",
    "Nathan",
    "Aaron",
    "Robert",
    "Kevin",
    "Brian",
    "Eric",
    "Mark",
];

pub(super) const LAST_NAMES: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Gomez",
    "Phillips",
    "Evans",
    "Turner",
    "Diaz",
    "Parker",
    "Cruz",
    "Edwards",
    "Collins",
    "Reyes",
    "Stewart",
    "Morris",
    "Morales",
    "Murphy",
    "Cook",
    "Rogers",
    "Gutierrez",
    "Ortiz",
    "Morgan",
    "Cooper",
    "Peterson",
    "Bailey",
    "Reed",
    "Kelly",
    "Howard",
    "Ramos",
    "Kim",
    "Cox",
    "Ward",
    "Richardson",
    "Costello",
];

pub(super) const STREET_NAMES: &[&str] = &[
    "Main",
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Sunset",
    "Lincoln",
    "Jefferson",
    "Madison",
    "Franklin",
    "Highland",
    "Willow",
    "Church",
    "Spring",
    "River",
    "Meadow",
    "Forest",
    "Ridge",
    "Valley",
    "Chestnut",
    "Walnut",
    "Birch",
    "Cherry",
    "Jackson",
    "Adams",
    "Greenwood",
    "Fairview",
    "Lakeview",
    "Orchard",
    "Mill",
    "Harbor",
    "Summit",
    "Bayview",
    "Prospect",
    "Sycamore",
];

pub(super) const STREET_SUFFIXES: &[&str] =
    &["Street", "Avenue", "Road", "Lane", "Drive", "Court", "Boulevard", "Way", "Place", "Terrace"];

pub(super) const COMPANIES: &[&str] = &[
    "Blue Ridge Consulting",
    "Cedar and Pine Design",
    "Northwind Traders",
    "Summit Analytics",
    "Harborview Dental",
    "Brightline Media",
    "Red Oak Builders",
    "Lakeside Logistics",
    "Silver Fern Studio",
    "Granite Peak Software",
    "Maple Street Bakery",
    "Pioneer Health",
    "Riverbend Legal",
    "Copperleaf Marketing",
    "Tidewater Supply",
];

/// A US city with the first three digits of its ZIP codes and a local area code.
pub(super) struct City {
    pub name: &'static str,
    pub region_code: &'static str,
    pub zip3: &'static str,
    pub area_code: &'static str,
}

const fn city(name: &'static str, region_code: &'static str, zip3: &'static str, area_code: &'static str) -> City {
    City { name, region_code, zip3, area_code }
}

pub(super) const CITIES: &[City] = &[
    city("Austin", "TX", "787", "512"),
    city("Dallas", "TX", "752", "214"),
    city("Houston", "TX", "770", "713"),
    city("San Antonio", "TX", "782", "210"),
    city("Los Angeles", "CA", "900", "213"),
    city("San Francisco", "CA", "941", "415"),
    city("San Diego", "CA", "921", "619"),
    city("Sacramento", "CA", "958", "916"),
    city("Seattle", "WA", "981", "206"),
    city("Spokane", "WA", "992", "509"),
    city("Portland", "OR", "972", "503"),
    city("Eugene", "OR", "974", "541"),
    city("Denver", "CO", "802", "303"),
    city("Boulder", "CO", "803", "720"),
    city("Phoenix", "AZ", "850", "602"),
    city("Tucson", "AZ", "857", "520"),
    city("Salt Lake City", "UT", "841", "801"),
    city("Las Vegas", "NV", "891", "702"),
    city("Chicago", "IL", "606", "312"),
    city("Minneapolis", "MN", "554", "612"),
    city("Detroit", "MI", "482", "313"),
    city("Ann Arbor", "MI", "481", "734"),
    city("Columbus", "OH", "432", "614"),
    city("Cleveland", "OH", "441", "216"),
    city("Indianapolis", "IN", "462", "317"),
    city("Milwaukee", "WI", "532", "414"),
    city("St. Louis", "MO", "631", "314"),
    city("Kansas City", "MO", "641", "816"),
    city("Nashville", "TN", "372", "615"),
    city("Atlanta", "GA", "303", "404"),
    city("Miami", "FL", "331", "305"),
    city("Orlando", "FL", "328", "407"),
    city("Tampa", "FL", "336", "813"),
    city("Charlotte", "NC", "282", "704"),
    city("Raleigh", "NC", "276", "919"),
    city("Richmond", "VA", "232", "804"),
    city("Philadelphia", "PA", "191", "215"),
    city("Pittsburgh", "PA", "152", "412"),
    city("New York", "NY", "100", "212"),
    city("Brooklyn", "NY", "112", "718"),
    city("Buffalo", "NY", "142", "716"),
    city("Boston", "MA", "021", "617"),
    city("Providence", "RI", "029", "401"),
    city("Burlington", "VT", "054", "802"),
    city("Portland", "ME", "041", "207"),
    city("Baltimore", "MD", "212", "410"),
    city("Washington", "DC", "200", "202"),
    city("New Orleans", "LA", "701", "504"),
    city("Boise", "ID", "837", "208"),
    city("Albuquerque", "NM", "871", "505"),
    city("Honolulu", "HI", "968", "808"),
    city("Anchorage", "AK", "995", "907"),
    city("Omaha", "NE", "681", "402"),
    city("Louisville", "KY", "402", "502"),
];

/// A US region as Magento's `directory_country_region` numbers it (region_id, code, name).
pub(super) struct Region {
    pub id: i64,
    pub code: &'static str,
    pub name: &'static str,
}

const fn region(id: i64, code: &'static str, name: &'static str) -> Region {
    Region { id, code, name }
}

/// The states (and DC) of Magento's US region list with their stock ids.
pub(super) const US_REGIONS: &[Region] = &[
    region(1, "AL", "Alabama"),
    region(2, "AK", "Alaska"),
    region(4, "AZ", "Arizona"),
    region(5, "AR", "Arkansas"),
    region(12, "CA", "California"),
    region(13, "CO", "Colorado"),
    region(14, "CT", "Connecticut"),
    region(15, "DE", "Delaware"),
    region(16, "DC", "District of Columbia"),
    region(18, "FL", "Florida"),
    region(19, "GA", "Georgia"),
    region(21, "HI", "Hawaii"),
    region(22, "ID", "Idaho"),
    region(23, "IL", "Illinois"),
    region(24, "IN", "Indiana"),
    region(25, "IA", "Iowa"),
    region(26, "KS", "Kansas"),
    region(27, "KY", "Kentucky"),
    region(28, "LA", "Louisiana"),
    region(29, "ME", "Maine"),
    region(31, "MD", "Maryland"),
    region(32, "MA", "Massachusetts"),
    region(33, "MI", "Michigan"),
    region(34, "MN", "Minnesota"),
    region(35, "MS", "Mississippi"),
    region(36, "MO", "Missouri"),
    region(37, "MT", "Montana"),
    region(38, "NE", "Nebraska"),
    region(39, "NV", "Nevada"),
    region(40, "NH", "New Hampshire"),
    region(41, "NJ", "New Jersey"),
    region(42, "NM", "New Mexico"),
    region(43, "NY", "New York"),
    region(44, "NC", "North Carolina"),
    region(45, "ND", "North Dakota"),
    region(47, "OH", "Ohio"),
    region(48, "OK", "Oklahoma"),
    region(49, "OR", "Oregon"),
    region(51, "PA", "Pennsylvania"),
    region(53, "RI", "Rhode Island"),
    region(54, "SC", "South Carolina"),
    region(55, "SD", "South Dakota"),
    region(56, "TN", "Tennessee"),
    region(57, "TX", "Texas"),
    region(58, "UT", "Utah"),
    region(59, "VT", "Vermont"),
    region(61, "VA", "Virginia"),
    region(62, "WA", "Washington"),
    region(63, "WV", "West Virginia"),
    region(64, "WI", "Wisconsin"),
    region(65, "WY", "Wyoming"),
];

pub(super) fn us_region(code: &str) -> Option<&'static Region> {
    US_REGIONS.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_city_has_a_known_region() {
        for c in CITIES {
            assert!(us_region(c.region_code).is_some(), "{} {}", c.name, c.region_code);
            assert_eq!(c.zip3.len(), 3);
            assert_eq!(c.area_code.len(), 3);
        }
    }

    #[test]
    fn size_lists_are_subsets_of_all_sizes() {
        for s in TOP_SIZES.iter().chain(WOMEN_BOTTOM_SIZES).chain(MEN_BOTTOM_SIZES) {
            assert!(SIZES.contains(s), "{s}");
        }
    }

    #[test]
    fn names_are_plain_ascii_words() {
        for n in FEMALE_NAMES.iter().chain(MALE_NAMES).chain(LAST_NAMES).chain(COLORS) {
            assert!(n.chars().all(|c| c.is_ascii_alphabetic()), "{n}");
        }
    }
}
