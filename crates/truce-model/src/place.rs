//! Places: gazetteer entries with OCHA p-codes and coordinates.

use crate::{ModelError, PCode};

/// A WGS84 point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    lat: f64,
    lon: f64,
}

impl LatLon {
    /// Accepts latitude in [-90, 90] and longitude in [-180, 180].
    pub fn new(lat: f64, lon: f64) -> Result<Self, ModelError> {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(ModelError::new("coordinates", format!("({lat}, {lon}) is off the globe")));
        }
        Ok(Self { lat, lon })
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance in kilometres.
    pub fn km_to(self, o: LatLon) -> f64 {
        let p = std::f64::consts::PI / 180.0;
        let a = 0.5 - ((o.lat - self.lat) * p).cos() / 2.0
            + (self.lat * p).cos() * (o.lat * p).cos() * (1.0 - ((o.lon - self.lon) * p).cos()) / 2.0;
        12742.0 * a.sqrt().asin()
    }
}

/// ACLED's geo-precision: 1 exact place, 2 near a place or within a district, 3 the governorate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GeoPrecision {
    /// The named settlement or neighbourhood.
    Exact = 1,
    /// Near a place, or a district.
    Near = 2,
    /// Only the governorate.
    Region = 3,
}

impl GeoPrecision {
    /// The ACLED code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// What a gazetteer entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    /// The country.
    Country,
    /// A governorate (admin1).
    Governorate,
    /// A district (admin2).
    District,
    /// A sub-district (admin3).
    SubDistrict,
    /// A city, town or village.
    Settlement,
    /// A city neighbourhood.
    Neighbourhood,
    /// Anything else (air base, crossing, mountain).
    Feature,
}

/// A place as the pipeline knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// The display name.
    pub name: String,
    /// What it is.
    pub kind: PlaceKind,
    admin1: Option<PCode>,
    admin2: Option<PCode>,
    admin3: Option<PCode>,
    /// A representative point.
    pub point: Option<LatLon>,
    /// How precisely the place is known.
    pub precision: GeoPrecision,
    country: String,
}

impl Place {
    /// Builds a place; the admin codes must nest (admin2 inside admin1, admin3 inside admin2).
    pub fn new(
        name: impl Into<String>,
        kind: PlaceKind,
        admin: [Option<PCode>; 3],
        point: Option<LatLon>,
        precision: GeoPrecision,
    ) -> Result<Self, ModelError> {
        let [a1, a2, a3] = admin;
        let nest = |inner: &Option<PCode>, outer: &Option<PCode>| match (inner, outer) {
            (Some(i), Some(o)) => i.within(o),
            _ => true,
        };
        if !nest(&a2, &a1) || !nest(&a3, &a2) || !nest(&a3, &a1) {
            return Err(ModelError::new("place", format!("admin codes do not nest: {a1:?} > {a2:?} > {a3:?}")));
        }
        Ok(Self { name: name.into(), kind, admin1: a1, admin2: a2, admin3: a3, point, precision, country: "SY".into() })
    }

    /// A place outside Syria ("Ankara", "Turkey"): no p-codes, an ISO 3166-1
    /// alpha-2 country code other than `SY`.
    pub fn abroad(
        name: impl Into<String>,
        country: &str,
        point: Option<LatLon>,
        precision: GeoPrecision,
    ) -> Result<Self, ModelError> {
        let c = country.trim();
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) || c == "SY" {
            return Err(ModelError::new("place", format!("{country:?} is not a country code outside Syria")));
        }
        let kind = if precision == GeoPrecision::Region { PlaceKind::Country } else { PlaceKind::Settlement };
        Ok(Self {
            name: name.into(),
            kind,
            admin1: None,
            admin2: None,
            admin3: None,
            point,
            precision,
            country: c.into(),
        })
    }

    /// ISO 3166-1 alpha-2 code of the country the place lies in (`SY` for every
    /// gazetteer place).
    pub fn country(&self) -> &str {
        &self.country
    }

    /// The governorate code.
    pub fn admin1(&self) -> Option<&PCode> {
        self.admin1.as_ref()
    }

    /// The district code.
    pub fn admin2(&self) -> Option<&PCode> {
        self.admin2.as_ref()
    }

    /// The sub-district code.
    pub fn admin3(&self) -> Option<&PCode> {
        self.admin3.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aleppo_to_damascus_is_about_300_km() {
        let aleppo = LatLon::new(36.2021, 37.1343).unwrap();
        let damascus = LatLon::new(33.5138, 36.2765).unwrap();
        let d = aleppo.km_to(damascus);
        assert!((300.0..320.0).contains(&d), "{d}");
        assert!(LatLon::new(91.0, 0.0).is_err());
    }

    #[test]
    fn places_abroad_carry_their_country() {
        let ankara = Place::abroad("Ankara", "TR", LatLon::new(39.93, 32.86).ok(), GeoPrecision::Exact).unwrap();
        assert_eq!(ankara.country(), "TR");
        assert!(ankara.admin1().is_none());
        assert!(Place::abroad("Aleppo", "SY", None, GeoPrecision::Exact).is_err());
        assert!(Place::abroad("Nowhere", "turkey", None, GeoPrecision::Exact).is_err());
    }

    #[test]
    fn admin_codes_must_nest() {
        let p = |s| Some(PCode::parse(s).unwrap());
        assert!(
            Place::new("Hama", PlaceKind::District, [p("SY05"), p("SY0500"), None], None, GeoPrecision::Near).is_ok()
        );
        assert!(
            Place::new("X", PlaceKind::District, [p("SY05"), p("SY0700"), None], None, GeoPrecision::Near).is_err()
        );
    }
}
