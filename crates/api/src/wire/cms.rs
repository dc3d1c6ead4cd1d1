//! CMS page and block shapes.
