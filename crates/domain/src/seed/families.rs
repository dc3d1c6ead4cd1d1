//! The demo catalog's shape: the category tree under "Default Category" and the product
//! families that fill its leaves. Apparel families become configurable products with
//! color × size children; gear families become standalone simple products.

use super::words::{MEN_BOTTOM_SIZES, TOP_SIZES, WOMEN_BOTTOM_SIZES};

/// Every category below "Default Category", as name paths in menu order. Parents are
/// created on the way down, so listing the leaves is enough.
pub(super) const CATEGORY_PATHS: &[&[&str]] = &[
    &["Women", "Tops", "Jackets"],
    &["Women", "Tops", "Hoodies & Sweatshirts"],
    &["Women", "Tops", "Tees"],
    &["Women", "Tops", "Bras & Tanks"],
    &["Women", "Bottoms", "Pants"],
    &["Women", "Bottoms", "Shorts"],
    &["Women", "Bottoms", "Leggings"],
    &["Men", "Tops", "Jackets"],
    &["Men", "Tops", "Hoodies & Sweatshirts"],
    &["Men", "Tops", "Tees"],
    &["Men", "Tops", "Tanks"],
    &["Men", "Bottoms", "Pants"],
    &["Men", "Bottoms", "Shorts"],
    &["Gear", "Bags"],
    &["Gear", "Fitness Equipment"],
    &["Gear", "Watches"],
    &["Gear", "Water Bottles"],
    &["Gear", "Yoga Mats"],
    &["Training", "Video Download"],
    &["Collections", "Eco Friendly"],
    &["Collections", "Performance Fabrics"],
    &["Collections", "Staff Picks"],
    &["Collections", "Yoga New"],
    &["What's New"],
    &["Sale"],
];

/// Merchandising categories a product may join besides its own branch.
pub(super) const COLLECTION_PATHS: &[&[&str]] = &[
    &["Collections", "Eco Friendly"],
    &["Collections", "Performance Fabrics"],
    &["Collections", "Staff Picks"],
    &["Collections", "Yoga New"],
    &["What's New"],
    &["Sale"],
];

/// The collection whose products carry `eco_collection = 1`.
pub(super) const ECO_COLLECTION: &[&str] = &["Collections", "Eco Friendly"];

/// Attribute sets and the demo attributes each one adds to Magento's default set.
pub(super) const ATTRIBUTE_SETS: &[(&str, &[&str])] = &[
    ("Top", &["size", "material", "activity", "pattern", "climate", "eco_collection"]),
    ("Bottom", &["size", "material", "activity", "pattern", "climate", "eco_collection"]),
    ("Gear", &["material", "activity", "eco_collection"]),
];

/// A kind of product: where it lives, what it is called and what it costs.
pub(super) struct Family {
    /// SKU prefix, letters only, so `<prefix><serial>` never collides across families.
    pub prefix: &'static str,
    pub path: &'static [&'static str],
    pub set: &'static str,
    pub nouns: &'static [&'static str],
    pub modifiers: &'static [&'static str],
    /// Price range in whole dollars, inclusive.
    pub dollars: (i64, i64),
    /// Weight range in hundredths of a pound, inclusive.
    pub weight: (i64, i64),
    pub materials: &'static [&'static str],
    /// Empty for gear (simple products); otherwise the sizes children come in.
    pub sizes: &'static [&'static str],
}

impl Family {
    pub fn is_apparel(&self) -> bool {
        !self.sizes.is_empty()
    }
}

const TOP_FABRICS: &[&str] =
    &["Cotton", "Organic Cotton", "Polyester", "Recycled Polyester", "Spandex", "Bamboo", "Hemp"];
const OUTER_FABRICS: &[&str] = &["Nylon", "Polyester", "Recycled Polyester", "Fleece", "Spandex", "Merino Wool"];
const BOTTOM_FABRICS: &[&str] = &["Cotton", "Organic Cotton", "Spandex", "Nylon", "Polyester", "Recycled Polyester"];

pub(super) const FAMILIES: &[Family] = &[
    Family {
        prefix: "WJ",
        path: &["Women", "Tops", "Jackets"],
        set: "Top",
        nouns: &["Jacket", "Windbreaker", "Shell Jacket", "Softshell"],
        modifiers: &["All-Weather", "Running", "Insulated", "Lightweight", "Rain", "Trail", "Packable", "Quilted"],
        dollars: (45, 110),
        weight: (60, 180),
        materials: OUTER_FABRICS,
        sizes: TOP_SIZES,
    },
    Family {
        prefix: "WH",
        path: &["Women", "Tops", "Hoodies & Sweatshirts"],
        set: "Top",
        nouns: &["Hoodie", "Sweatshirt", "Pullover", "Zip Hoodie"],
        modifiers: &["Fleece", "Cozy", "Training", "Lounge", "Yoga", "Cropped", "Oversized"],
        dollars: (39, 79),
        weight: (50, 120),
        materials: &["Cotton", "Organic Cotton", "Fleece", "Polyester", "Bamboo"],
        sizes: TOP_SIZES,
    },
    Family {
        prefix: "WS",
        path: &["Women", "Tops", "Tees"],
        set: "Top",
        nouns: &["Tee", "Crew Tee", "V-Neck Tee", "Long-Sleeve Tee"],
        modifiers: &["Essential", "Performance", "Running", "Training", "Yoga", "Relaxed", "Seamless"],
        dollars: (19, 45),
        weight: (15, 40),
        materials: TOP_FABRICS,
        sizes: TOP_SIZES,
    },
    Family {
        prefix: "WB",
        path: &["Women", "Tops", "Bras & Tanks"],
        set: "Top",
        nouns: &["Tank", "Bra Top", "Sports Bra", "Racerback Tank"],
        modifiers: &["Support", "Yoga", "Running", "Training", "Seamless", "Strappy", "Breathe-Easy"],
        dollars: (19, 49),
        weight: (10, 30),
        materials: &["Spandex", "Polyester", "Nylon", "Organic Cotton", "Mesh"],
        sizes: TOP_SIZES,
    },
    Family {
        prefix: "WP",
        path: &["Women", "Bottoms", "Pants"],
        set: "Bottom",
        nouns: &["Pant", "Jogger", "Capri", "Track Pant"],
        modifiers: &["Yoga", "Running", "Travel", "Trail", "Lounge", "Cargo", "Tapered"],
        dollars: (39, 89),
        weight: (40, 110),
        materials: BOTTOM_FABRICS,
        sizes: WOMEN_BOTTOM_SIZES,
    },
    Family {
        prefix: "WSH",
        path: &["Women", "Bottoms", "Shorts"],
        set: "Bottom",
        nouns: &["Short", "Running Short", "Bike Short", "Skort"],
        modifiers: &["Training", "Running", "Trail", "Yoga", "Breezy", "Pocketed"],
        dollars: (24, 55),
        weight: (15, 40),
        materials: BOTTOM_FABRICS,
        sizes: WOMEN_BOTTOM_SIZES,
    },
    Family {
        prefix: "WL",
        path: &["Women", "Bottoms", "Leggings"],
        set: "Bottom",
        nouns: &["Legging", "Tight", "Yoga Legging", "Crop Legging"],
        modifiers: &["High-Rise", "Compression", "Yoga", "Running", "Seamless", "Sculpt"],
        dollars: (34, 79),
        weight: (20, 50),
        materials: &["Spandex", "Nylon", "Polyester", "Recycled Polyester"],
        sizes: WOMEN_BOTTOM_SIZES,
    },
    Family {
        prefix: "MJ",
        path: &["Men", "Tops", "Jackets"],
        set: "Top",
        nouns: &["Jacket", "Windbreaker", "Shell Jacket", "Anorak", "Parka"],
        modifiers: &["All-Weather", "Running", "Insulated", "Lightweight", "Rain", "Trail", "Storm", "Packable"],
        dollars: (49, 130),
        weight: (70, 220),
        materials: OUTER_FABRICS,
        sizes: TOP_SIZES,
    },
    Family {
        prefix: "MH",
        path: &["Men", "Tops", "Hoodies & Sweatshirts"],
        set: "Top",
        nouns: &["Hoodie", "Sweatshirt", "Pullover", "Quarter-Zip"],
        modifiers: &["Fleece", "Training", "Lounge", "Heavyweight", "Tech", "Thermal"],
        dollars: (39, 85),
        weight: (60, 140),
        materials: &["Cotton", "Organic Cotton", "Fleece", "Polyester", "Merino Wool"],
        sizes: TOP_SIZES,
    },
    Family {
        prefix: "MS",
        path: &["Men", "Tops", "Tees"],
        set: "Top",
        nouns: &["Tee", "Crew Tee", "Henley", "Long-Sleeve Tee", "Polo"],
        modifiers: &["Essential", "Performance", "Running", "Training", "Tri-Blend", "Vintage", "Cooling"],
        dollars: (19, 49),
        weight: (18, 45),
        materials: TOP_FABRICS,
        sizes: TOP_SIZES,
    },
    Family {
        prefix: "MT",
        path: &["Men", "Tops", "Tanks"],
        set: "Top",
        nouns: &["Tank", "Muscle Tank", "Sleeveless Tee"],
        modifiers: &["Training", "Running", "Gym", "Sparring", "Cooling", "Mesh"],
        dollars: (18, 39),
        weight: (12, 30),
        materials: &["Cotton", "Polyester", "Mesh", "Spandex", "Bamboo"],
        sizes: TOP_SIZES,
    },
    Family {
        prefix: "MP",
        path: &["Men", "Bottoms", "Pants"],
        set: "Bottom",
        nouns: &["Pant", "Jogger", "Track Pant", "Chino"],
        modifiers: &["Training", "Running", "Travel", "Trail", "Hybrid", "Tech", "Cargo"],
        dollars: (45, 95),
        weight: (50, 130),
        materials: BOTTOM_FABRICS,
        sizes: MEN_BOTTOM_SIZES,
    },
    Family {
        prefix: "MSH",
        path: &["Men", "Bottoms", "Shorts"],
        set: "Bottom",
        nouns: &["Short", "Running Short", "Board Short", "Gym Short"],
        modifiers: &["Training", "Running", "Trail", "Hybrid", "Swift", "Cargo"],
        dollars: (24, 55),
        weight: (20, 50),
        materials: BOTTOM_FABRICS,
        sizes: MEN_BOTTOM_SIZES,
    },
    Family {
        prefix: "GB",
        path: &["Gear", "Bags"],
        set: "Gear",
        nouns: &["Backpack", "Duffle Bag", "Messenger Bag", "Tote", "Gym Bag", "Sling Pack", "Hydration Pack"],
        modifiers: &["Urban", "Trail", "Commuter", "Weekender", "Summit", "Compact", "Voyager"],
        dollars: (29, 129),
        weight: (80, 350),
        materials: &["Canvas", "Nylon", "Polyester", "Recycled Polyester", "Leather"],
        sizes: &[],
    },
    Family {
        prefix: "GF",
        path: &["Gear", "Fitness Equipment"],
        set: "Gear",
        nouns: &[
            "Stability Ball",
            "Foam Roller",
            "Kettlebell",
            "Resistance Band Set",
            "Jump Rope",
            "Dumbbell Set",
            "Ab Roller",
        ],
        modifiers: &["Pro", "Core", "Studio", "Home", "Power", "Flex"],
        dollars: (9, 149),
        weight: (30, 3500),
        materials: &["Rubber", "Foam", "Plastic", "Stainless Steel", "Silicone"],
        sizes: &[],
    },
    Family {
        prefix: "GW",
        path: &["Gear", "Watches"],
        set: "Gear",
        nouns: &["Sport Watch", "Fitness Tracker", "Chronograph", "Dive Watch", "GPS Watch"],
        modifiers: &["Pulse", "Trail", "Endurance", "Classic", "Solar", "Aqua"],
        dollars: (49, 349),
        weight: (10, 60),
        materials: &["Stainless Steel", "Silicone", "Aluminum", "Leather", "Rubber"],
        sizes: &[],
    },
    Family {
        prefix: "GH",
        path: &["Gear", "Water Bottles"],
        set: "Gear",
        nouns: &["Water Bottle", "Insulated Bottle", "Shaker Bottle", "Hydration Flask", "Tumbler"],
        modifiers: &["Everyday", "Trail", "Thermo", "Sport", "Leak-Proof", "Wide-Mouth"],
        dollars: (7, 45),
        weight: (20, 120),
        materials: &["Stainless Steel", "Plastic", "Aluminum", "Silicone"],
        sizes: &[],
    },
    Family {
        prefix: "GY",
        path: &["Gear", "Yoga Mats"],
        set: "Gear",
        nouns: &["Yoga Mat", "Travel Mat", "Yoga Block", "Yoga Strap", "Meditation Cushion"],
        modifiers: &["Eco", "Grip", "Studio", "Balance", "Cushioned", "Align"],
        dollars: (12, 98),
        weight: (30, 600),
        materials: &["Cork", "Rubber", "Foam", "Organic Cotton", "Hemp"],
        sizes: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::words::MATERIALS;
    use std::collections::HashSet;

    #[test]
    fn families_are_consistent_with_the_tree() {
        let mut prefixes = HashSet::new();
        for f in FAMILIES {
            assert!(prefixes.insert(f.prefix), "duplicate prefix {}", f.prefix);
            assert!(f.prefix.chars().all(|c| c.is_ascii_uppercase()), "{}", f.prefix);
            assert!(CATEGORY_PATHS.contains(&f.path), "{:?}", f.path);
            assert!(ATTRIBUTE_SETS.iter().any(|(s, _)| *s == f.set), "{}", f.set);
            assert!(f.materials.iter().all(|m| MATERIALS.contains(m)), "{}", f.prefix);
            assert!(f.dollars.0 <= f.dollars.1 && f.weight.0 <= f.weight.1);
            assert!(!f.nouns.is_empty() && !f.modifiers.is_empty());
        }
        assert!(FAMILIES.iter().any(Family::is_apparel) && FAMILIES.iter().any(|f| !f.is_apparel()));
        assert!(COLLECTION_PATHS.iter().all(|p| CATEGORY_PATHS.contains(p)));
        assert!(COLLECTION_PATHS.contains(&ECO_COLLECTION));
    }
}
