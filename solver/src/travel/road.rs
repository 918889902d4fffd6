//! Road graph travel model (being written).
