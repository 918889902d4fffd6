//! rota-store: files in and out.
