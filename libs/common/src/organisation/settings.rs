//! The organisation's settings (TEN-4), kept in the tenant's own schema: they are read and
//! written inside a [`TenantTx`].

use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::accounts::AccountId;
use crate::audit::trail;
use crate::infra::tenancy::TenantTx;

/// The measurement types the dossier can show (DOS-5).
pub const MEASUREMENT_TYPES: &[&str] = &[
    "weight",
    "blood_pressure",
    "blood_sugar",
    "heart_rate",
    "temperature",
    "oxygen_saturation",
];

pub const ACTIVATION_WEEKS_DEFAULT: u32 = 6;
pub const ACTIVATION_WEEKS_MAX: u32 = 52;
pub const RESPONSE_DAYS_DEFAULT: u32 = 3;
pub const RESPONSE_DAYS_MAX: u32 = 30;

/// The organisation's switches, kept in its own `settings` table under one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantSettings {
    /// CAL-5: clients may make their own appointments visible to the organisation.
    pub client_appointments_visible: bool,
    /// MSG-4: messaging with the organisation opens only after staff wrote first.
    pub messaging_after_staff_first: bool,
    /// DOS-6: documents are shared with clients.
    pub documents_shared: bool,
    /// DOS-3: reports are shown from this date on (all when `None`).
    pub reports_from: Option<Date>,
    /// DOS-5: which measurement types are shown.
    pub measurement_types: Vec<String>,
    /// CP-2: how many weeks an activation code stays valid.
    pub activation_code_weeks: u32,
    /// BEY-3: within how many days the care team promises to answer a message.
    pub response_days: u32,
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            client_appointments_visible: true,
            messaging_after_staff_first: false,
            documents_shared: true,
            reports_from: None,
            measurement_types: MEASUREMENT_TYPES.iter().map(|t| (*t).to_owned()).collect(),
            activation_code_weeks: ACTIVATION_WEEKS_DEFAULT,
            response_days: RESPONSE_DAYS_DEFAULT,
        }
    }
}

const SETTINGS_KEY: &str = "portal";

/// The settings form as it arrived.
#[derive(Debug, Clone, Default)]
pub struct SettingsForm<'a> {
    pub client_appointments_visible: bool,
    pub messaging_after_staff_first: bool,
    pub documents_shared: bool,
    /// `yyyy-mm-dd` (an HTML date field) or empty.
    pub reports_from: &'a str,
    pub measurement_types: Vec<&'a str>,
    pub activation_code_weeks: &'a str,
    pub response_days: &'a str,
}

impl TenantSettings {
    pub fn parse(form: &SettingsForm<'_>) -> Result<Self, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let raw_date = form.reports_from.trim();
        let reports_from = if raw_date.is_empty() {
            None
        } else {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            match Date::parse(raw_date, &format) {
                Ok(date) => Some(date),
                Err(_) => {
                    problems.push(("reports_from", "admin-settings-date-invalid"));
                    None
                }
            }
        };
        let mut types = Vec::new();
        for raw in &form.measurement_types {
            match MEASUREMENT_TYPES.iter().find(|t| **t == *raw) {
                Some(known) if !types.iter().any(|t: &String| t == known) => {
                    types.push((*known).to_owned());
                }
                Some(_) => {}
                None => {
                    problems.push(("measurement_types", "admin-settings-measurement-invalid"));
                    break;
                }
            }
        }
        let weeks = form.activation_code_weeks.trim().parse::<u32>().ok();
        let weeks = weeks.filter(|w| (1..=ACTIVATION_WEEKS_MAX).contains(w));
        if weeks.is_none() {
            problems.push(("activation_code_weeks", "admin-settings-weeks-invalid"));
        }
        // Left empty: the default promise.
        let raw_days = form.response_days.trim();
        let days = if raw_days.is_empty() {
            Some(RESPONSE_DAYS_DEFAULT)
        } else {
            raw_days.parse::<u32>().ok()
        };
        let days = days.filter(|d| (1..=RESPONSE_DAYS_MAX).contains(d));
        if days.is_none() {
            problems.push(("response_days", "admin-settings-response-days-invalid"));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            client_appointments_visible: form.client_appointments_visible,
            messaging_after_staff_first: form.messaging_after_staff_first,
            documents_shared: form.documents_shared,
            reports_from,
            measurement_types: types,
            activation_code_weeks: weeks.unwrap_or(ACTIVATION_WEEKS_DEFAULT),
            response_days: days.unwrap_or(RESPONSE_DAYS_DEFAULT),
        })
    }

    /// How long the care team may take to answer a message (BEY-3).
    pub fn response_time(&self) -> Duration {
        Duration::from_secs(u64::from(self.response_days) * 24 * 3600)
    }

    /// How long an activation code stays valid.
    pub fn activation_code_validity(&self) -> Duration {
        Duration::from_secs(u64::from(self.activation_code_weeks) * 7 * 24 * 3600)
    }
}

/// The organisation's settings (the defaults until an admin saved them).
pub async fn settings(tx: &mut TenantTx) -> Result<TenantSettings, sqlx::Error> {
    let value = sqlx::query_scalar!("SELECT value FROM settings WHERE key = $1", SETTINGS_KEY)
        .fetch_optional(tx.conn())
        .await?;
    Ok(value
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// Stores the organisation's settings; the audit trail keeps what they were and became.
pub async fn save_settings(
    tx: &mut TenantTx,
    actor: AccountId,
    settings: &TenantSettings,
    now: OffsetDateTime,
) -> Result<(), sqlx::Error> {
    let encode = |e: serde_json::Error| sqlx::Error::Encode(Box::new(e));
    let before = serde_json::to_value(self::settings(tx).await?).map_err(encode)?;
    let value = serde_json::to_value(settings).map_err(encode)?;
    trail::record(
        tx,
        actor,
        "settings.changed",
        serde_json::json!({ "before": before, "after": &value }),
        now,
    )
    .await?;
    sqlx::query!(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        SETTINGS_KEY,
        value,
        now,
    )
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_default_to_six_weeks_and_check_their_fields() {
        assert_eq!(TenantSettings::default().activation_code_weeks, 6);
        let ok = TenantSettings::parse(&SettingsForm {
            documents_shared: true,
            reports_from: "2024-01-31",
            measurement_types: vec!["weight", "weight", "blood_sugar"],
            activation_code_weeks: "8",
            response_days: "2",
            ..SettingsForm::default()
        })
        .unwrap();
        assert_eq!(ok.measurement_types, ["weight", "blood_sugar"]);
        assert_eq!(
            ok.activation_code_validity(),
            Duration::from_secs(56 * 86400)
        );
        assert!(!ok.client_appointments_visible);
        let problems = TenantSettings::parse(&SettingsForm {
            reports_from: "31-01-2024",
            measurement_types: vec!["shoe_size"],
            activation_code_weeks: "0",
            response_days: "31",
            ..SettingsForm::default()
        })
        .unwrap_err();
        assert_eq!(problems.len(), 4);
    }
}
