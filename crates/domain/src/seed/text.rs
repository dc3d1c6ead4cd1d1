//! Product copy: an HTML description (a paragraph and a feature list, as Magento's sample
//! catalog has them) and a one-line short description, assembled from templates.

use super::random::{pick, pick_distinct};
use rand::Rng;

const OPENINGS: &[&str] = &[
    "The {name} is made for {activity} days that start early and end late.",
    "Meet the {name}, a {noun} that keeps up with {activity} and everything after.",
    "Built for {activity}, the {name} balances comfort, durability and clean lines.",
    "Whether you are into {activity} or simply on the move, the {name} has you covered.",
    "Designed with athletes in mind, the {name} makes every {activity} session something to look forward to.",
];

const MIDDLES: &[&str] = &[
    "Made from {material}, it is light, tough and easy to care for.",
    "Its {material} construction stays durable without adding bulk.",
    "We chose {material} for the way it feels and for how well it holds up over time.",
    "A {material} build keeps it comfortable from the first wear to the hundredth.",
];

const CLOSINGS: &[&str] = &[
    "Pair it with your favorite gear and go.",
    "Backed by our 90-day satisfaction guarantee.",
    "A reliable pick for training, travel and everyday life.",
    "Once you try it, you will wonder how you managed without it.",
];

const APPAREL_FEATURES: &[&str] = &[
    "Moisture-wicking finish",
    "Flatlock seams reduce chafing",
    "Reflective details for low light",
    "Four-way stretch",
    "Zippered pocket for keys",
    "Tagless neckline",
    "Quick-dry fabric",
    "UPF 50+ sun protection",
    "Machine wash cold, tumble dry low",
    "Relaxed, easy fit",
];

const GEAR_FEATURES: &[&str] = &[
    "Lightweight and durable",
    "Easy to clean",
    "Backed by a one-year warranty",
    "Compact enough for travel",
    "Non-slip grip",
    "Free of BPA and phthalates",
    "Designed and tested by coaches",
    "Fits in a locker or under a desk",
];

/// What the copy talks about.
pub(super) struct Subject<'a> {
    pub name: &'a str,
    pub noun: &'a str,
    pub material: &'a str,
    pub activity: &'a str,
    pub apparel: bool,
}

/// `<p>…</p><ul><li>…</li>…</ul>`: three sentences and three features.
pub(super) fn description(rng: &mut impl Rng, s: &Subject<'_>) -> String {
    let templates = [pick(rng, OPENINGS), pick(rng, MIDDLES), pick(rng, CLOSINGS)];
    let sentences = templates.map(|t| fill(t, s));
    let features = if s.apparel { APPAREL_FEATURES } else { GEAR_FEATURES };
    let mut html = format!("<p>{}</p><ul>", sentences.join(" "));
    for f in pick_distinct(rng, features, 3) {
        html.push_str("<li>");
        html.push_str(f);
        html.push_str("</li>");
    }
    html.push_str("</ul>");
    html
}

/// A template with the subject's words in place (lower case but for the product name).
fn fill(template: &str, s: &Subject<'_>) -> String {
    template
        .replace("{name}", s.name)
        .replace("{noun}", &s.noun.to_lowercase())
        .replace("{activity}", &s.activity.to_lowercase())
        .replace("{material}", &s.material.to_lowercase())
}

/// "A nylon windbreaker for running."
pub(super) fn short_description(s: &Subject<'_>) -> String {
    let material = s.material.to_lowercase();
    let article = if material.starts_with(['a', 'e', 'i', 'o', 'u']) { "An" } else { "A" };
    format!("{article} {material} {} for {}.", s.noun.to_lowercase(), s.activity.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::random::{Stream, rng};

    #[test]
    fn copy_is_filled_html() {
        let s = Subject {
            name: "Orion Trail Jacket",
            noun: "Jacket",
            material: "Organic Cotton",
            activity: "Hiking",
            apparel: true,
        };
        let html = description(&mut rng(1, Stream::Products), &s);
        assert!(html.starts_with("<p>") && html.ends_with("</ul>"), "{html}");
        assert_eq!(html.matches("<li>").count(), 3);
        assert!(!html.contains('{'), "{html}");
        assert_eq!(short_description(&s), "An organic cotton jacket for hiking.");
    }
}
