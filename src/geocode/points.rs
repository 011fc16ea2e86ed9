//! Small point statistics used to derive fallback points at load time.

use super::load::LatLon;

/// Rough bounding box of Kumamoto (lat, lon ranges, degrees) with a margin;
/// points outside it are loaded but reported as warnings.
const BBOX_LAT: (f64, f64) = (31.9, 33.4);
const BBOX_LON: (f64, f64) = (129.7, 131.5);

pub(super) fn in_bbox(p: LatLon) -> bool {
    (BBOX_LAT.0..=BBOX_LAT.1).contains(&p.0) && (BBOX_LON.0..=BBOX_LON.1).contains(&p.1)
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

/// Per-axis median of points (the same rule as the municipalities file).
pub(super) fn median_point(points: &[LatLon]) -> Option<LatLon> {
    let mut lats: Vec<f64> = points.iter().map(|p| p.0).collect();
    let mut lons: Vec<f64> = points.iter().map(|p| p.1).collect();
    Some((median(&mut lats)?, median(&mut lons)?))
}

/// The point nearest the per-axis median: a real town point that stands
/// for a group of 丁目 or 小字 (longitude scaled by cos 33°).
pub(super) fn medoid(points: &[LatLon]) -> Option<LatLon> {
    let m = median_point(points)?;
    let d = |p: &LatLon| {
        let dy = p.0 - m.0;
        let dx = (p.1 - m.1) * 0.839;
        dx * dx + dy * dy
    };
    points.iter().copied().min_by(|a, b| d(a).total_cmp(&d(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medoid_is_a_member_point() {
        let pts = [(32.0, 130.0), (32.1, 130.1), (32.2, 130.2), (40.0, 140.0)];
        let m = medoid(&pts).unwrap();
        assert!(pts.contains(&m));
        assert_eq!(medoid(&[]), None);
    }

    #[test]
    fn median_point_is_per_axis() {
        let pts = [(32.0, 131.0), (33.0, 130.0), (32.5, 130.4)];
        assert_eq!(median_point(&pts), Some((32.5, 130.4)));
        assert_eq!(median_point(&[(1.0, 2.0), (3.0, 4.0)]), Some((2.0, 3.0)));
    }

    #[test]
    fn bbox_holds_kumamoto_and_not_tokyo() {
        assert!(in_bbox((32.79, 130.74)));
        assert!(!in_bbox((35.68, 139.76)));
    }
}
