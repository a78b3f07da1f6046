//! `truce bench serve`: load figures for the API over loopback.
