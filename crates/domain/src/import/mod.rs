//! Importing Magento product CSV files (see ../shared/data/README.md for both formats).
