//! CMS content: the pages a Magento store ships with (home, 404, cookies, privacy) plus a
//! few a real store adds, and blocks for the home page, menus and footer. All in every
//! store view (store 0).

use crate::StorageResult;
use crate::cms::{self, NewBlock, NewPage};
use storegate_db::Db;
use storegate_types::{ApiError, TenantId};

struct PageDef {
    identifier: &'static str,
    title: &'static str,
    heading: Option<&'static str>,
    layout: &'static str,
    description: &'static str,
    content: &'static str,
}

const PAGES: &[PageDef] = &[
    PageDef {
        identifier: "home",
        title: "Home Page",
        heading: None,
        layout: "1column",
        description: "Activewear and gear for yoga, running, hiking and the gym.",
        content: "<div class=\"home-hero\"><h1>Gear up for every workout</h1>\
            <p>New-season jackets, tees and leggings, plus bags, bottles and mats that go where you go.</p>\
            <p><a href=\"/women.html\">Shop Women</a> <a href=\"/men.html\">Shop Men</a> <a href=\"/gear.html\">Shop Gear</a></p></div>\
            <div class=\"home-promos\"><h2>Eco Friendly collection</h2>\
            <p>Organic cotton, recycled polyester and hemp, made to last.</p></div>",
    },
    PageDef {
        identifier: "no-route",
        title: "404 Not Found",
        heading: Some("Whoops, our bad..."),
        layout: "2columns-right",
        description: "Page not found.",
        content: "<dl><dt>The page you requested was not found, and we have a fine guess why.</dt>\
            <dd><ul class=\"disc\"><li>If you typed the URL directly, please make sure the spelling is correct.</li>\
            <li>If you clicked on a link to get here, the link is outdated.</li></ul></dd></dl>\
            <dl><dt>What can you do?</dt><dd>Have no fear, help is near! There are many ways you can get back on track.</dd>\
            <dd><ul class=\"disc\"><li><a href=\"#\" onclick=\"history.go(-1); return false;\">Go back</a> to the previous page.</li>\
            <li>Use the search bar at the top of the page to search for your products.</li>\
            <li>Follow these links to get you back on track!<br><a href=\"/\">Store Home</a> | <a href=\"/customer/account/\">My Account</a></li></ul></dd></dl>",
    },
    PageDef {
        identifier: "enable-cookies",
        title: "Enable Cookies",
        heading: Some("What are Cookies?"),
        layout: "1column",
        description: "How to enable cookies in your browser.",
        content: "<p>Cookies are short pieces of data that are sent to your computer when you visit a website. \
            On later visits, this data is then returned to that website. Cookies allow us to recognize you automatically \
            whenever you visit our site so that we can personalize your experience and provide you with better service.</p>\
            <p>To use our store, please enable cookies in your browser settings and reload the page.</p>",
    },
    PageDef {
        identifier: "privacy-policy-cookie-restriction-mode",
        title: "Privacy and Cookie Policy",
        heading: Some("Privacy and Cookie Policy"),
        layout: "1column",
        description: "How we collect, use and protect your information.",
        content: "<h2>Our privacy principles</h2>\
            <p>We collect only the information we need to process your orders and to improve our store. \
            We never sell your personal information.</p>\
            <h2>Cookies</h2><p>We use cookies to keep your cart, remember your preferences and measure how the store is used. \
            You can disable cookies in your browser, but some features will stop working.</p>\
            <h2>Contact</h2><p>Questions about this policy? Write to privacy@example.com.</p>",
    },
    PageDef {
        identifier: "about-us",
        title: "About Us",
        heading: Some("About Us"),
        layout: "1column",
        description: "Who we are and what we make.",
        content: "<p>We started in a garage with one idea: activewear should work as hard as you do. \
            Today we design apparel and gear for yoga, running, hiking and training, tested by our own team of coaches.</p>\
            <p>Every season we add more organic and recycled materials to our Eco Friendly collection.</p>",
    },
    PageDef {
        identifier: "customer-service",
        title: "Customer Service",
        heading: Some("Customer Service"),
        layout: "1column",
        description: "Shipping, returns, payment and how to reach us.",
        content: "<h2>Shipping</h2><p>Orders ship within two business days. Standard shipping is free on orders over $50.</p>\
            <h2>Returns</h2><p>Unworn items can be returned within 90 days for a full refund.</p>\
            <h2>Contact us</h2><p>Call 1-800-555-0199, Monday to Friday, 8am to 6pm Eastern, or write to support@example.com.</p>",
    },
    PageDef {
        identifier: "size-guide",
        title: "Size Guide",
        heading: Some("Find your size"),
        layout: "1column",
        description: "Size charts for tops and bottoms.",
        content: "<h2>Tops</h2><table><tr><th>Size</th><th>Chest (in)</th></tr><tr><td>XS</td><td>31-33</td></tr>\
            <tr><td>S</td><td>34-36</td></tr><tr><td>M</td><td>37-39</td></tr><tr><td>L</td><td>40-42</td></tr>\
            <tr><td>XL</td><td>43-45</td></tr></table>\
            <h2>Bottoms</h2><p>Bottoms are sized by waist in inches, from 28 to 36.</p>",
    },
];

const BLOCKS: &[(&str, &str, &str)] = &[
    (
        "home-page-block",
        "Home Page Block",
        "<div class=\"blocks-promo\"><a class=\"block-promo\" href=\"/collections/yoga-new.html\">\
         <span class=\"title\">The new yoga collection</span><span class=\"info\">Get fit and look fab in new seasonal styles</span></a></div>",
    ),
    (
        "footer-links-block",
        "Footer Links Block",
        "<ul class=\"footer links\"><li><a href=\"/about-us\">About us</a></li><li><a href=\"/customer-service\">Customer Service</a></li>\
         <li><a href=\"/privacy-policy-cookie-restriction-mode\">Privacy and Cookie Policy</a></li><li><a href=\"/size-guide\">Size Guide</a></li></ul>",
    ),
    (
        "contact-us-info",
        "Contact Us Info",
        "<p>Call us at 1-800-555-0199 or write to support@example.com. We answer every message within one business day.</p>",
    ),
    (
        "sale-left-menu-block",
        "Sale Left Menu Block",
        "<ul><li><a href=\"/sale.html\">Women's Deals</a></li><li><a href=\"/sale.html\">Men's Deals</a></li><li><a href=\"/sale.html\">Gear Deals</a></li></ul>",
    ),
    (
        "women-block",
        "Women Block",
        "<div class=\"category-promo\"><h2>New Women's Tops</h2><p>Layers for every forecast, from breezy tanks to insulated jackets.</p></div>",
    ),
    (
        "men-block",
        "Men Block",
        "<div class=\"category-promo\"><h2>Men's Training Essentials</h2><p>Tees, shorts and joggers that move with you.</p></div>",
    ),
    (
        "gear-block",
        "Gear Block",
        "<div class=\"category-promo\"><h2>Gear for the trail and the gym</h2><p>Bags, bottles, mats and watches built to last.</p></div>",
    ),
    (
        "free-shipping-banner",
        "Free Shipping Banner",
        "<p class=\"banner\">Free standard shipping on orders over $50. Returns are free for 90 days.</p>",
    ),
];

/// Creates all pages and blocks in one transaction; answers (pages, blocks).
pub(super) async fn create(db: &Db, tenant: TenantId) -> Result<(usize, usize), ApiError> {
    let mut tx = db.begin().await.storage()?;
    for page in PAGES {
        cms::create_page(&mut tx, tenant, &new_page(page)).await?;
    }
    for (identifier, title, content) in BLOCKS {
        let block = NewBlock {
            identifier: (*identifier).to_owned(),
            title: (*title).to_owned(),
            content: (*content).to_owned(),
            is_active: true,
            store_ids: vec![0],
        };
        cms::create_block(&mut tx, tenant, &block).await?;
    }
    tx.commit().await.storage()?;
    Ok((PAGES.len(), BLOCKS.len()))
}

fn new_page(def: &PageDef) -> NewPage {
    NewPage {
        identifier: def.identifier.to_owned(),
        title: def.title.to_owned(),
        content_heading: def.heading.map(str::to_owned),
        content: def.content.to_owned(),
        page_layout: def.layout.to_owned(),
        meta_title: Some(def.title.to_owned()),
        meta_description: Some(def.description.to_owned()),
        is_active: true,
        store_ids: vec![0],
    }
}
