//! rota-service
