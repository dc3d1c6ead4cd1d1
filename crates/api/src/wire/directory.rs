//! Country, region and currency shapes.
