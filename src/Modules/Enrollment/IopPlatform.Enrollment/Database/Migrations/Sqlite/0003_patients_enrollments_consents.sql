CREATE TABLE enrollment_patient (
    id TEXT NOT NULL PRIMARY KEY,
    mrn TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    sex_at_birth TEXT NOT NULL,
    gender_identity TEXT NULL,
    phone TEXT NULL,
    email TEXT NULL,
    address_line1 TEXT NULL,
    address_line2 TEXT NULL,
    address_city TEXT NULL,
    address_region TEXT NULL,
    address_postal_code TEXT NULL,
    address_country TEXT NULL,
    preferred_language TEXT NULL,
    emergency_name TEXT NULL,
    emergency_relationship TEXT NULL,
    emergency_phone TEXT NULL,
    created_by TEXT NOT NULL,
    created_by_api_client_id TEXT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE UNIQUE INDEX ux_enrollment_patient_mrn ON enrollment_patient (mrn);
CREATE INDEX ix_enrollment_patient_dob ON enrollment_patient (date_of_birth);

CREATE TABLE enrollment_patient_identifier (
    patient_id TEXT NOT NULL REFERENCES enrollment_patient (id),
    system TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (system, value)
);

CREATE INDEX ix_enrollment_patient_identifier_patient ON enrollment_patient_identifier (patient_id);

CREATE TABLE enrollment_enrollment (
    id TEXT NOT NULL PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES enrollment_patient (id),
    program_id TEXT NOT NULL REFERENCES enrollment_program (id),
    status TEXT NOT NULL,
    referred_by_api_client_id TEXT NULL,
    referred_by_clinician TEXT NULL,
    referral_date TEXT NOT NULL,
    detox_status TEXT NULL,
    detox_completed_on TEXT NULL,
    recommended_by TEXT NULL,
    recommended_on TEXT NULL,
    recommended_level_of_care TEXT NULL,
    actual_level_of_care TEXT NULL,
    level_of_care_difference_reason TEXT NULL,
    dual_diagnosis INTEGER NOT NULL,
    diagnosis_codes TEXT NOT NULL,
    expected_positive_analytes TEXT NOT NULL,
    age_group TEXT NULL,
    admission_date TEXT NULL,
    discharge_date TEXT NULL,
    discharge_reason TEXT NULL,
    discharge_note TEXT NULL,
    clinician_override_reason TEXT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX ix_enrollment_enrollment_patient ON enrollment_enrollment (patient_id, id);
CREATE INDEX ix_enrollment_enrollment_status ON enrollment_enrollment (status, id);
-- One active (or on-hold) episode per patient per program, enforced by the database.
CREATE UNIQUE INDEX ux_enrollment_enrollment_one_open ON enrollment_enrollment (patient_id, program_id) WHERE status IN ('active', 'on_hold');

CREATE TABLE enrollment_status_history (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL REFERENCES enrollment_enrollment (id),
    from_status TEXT NULL,
    to_status TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_by_type TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    reason TEXT NULL
);

CREATE INDEX ix_enrollment_status_history_enrollment ON enrollment_status_history (enrollment_id, id);

CREATE TABLE enrollment_care_team_assignment (
    id TEXT NOT NULL PRIMARY KEY,
    enrollment_id TEXT NOT NULL REFERENCES enrollment_enrollment (id),
    role TEXT NOT NULL,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    assigned_from TEXT NOT NULL,
    assigned_to TEXT NULL,
    assigned_by TEXT NOT NULL
);

CREATE INDEX ix_enrollment_care_team_enrollment ON enrollment_care_team_assignment (enrollment_id, role);
CREATE INDEX ix_enrollment_care_team_user ON enrollment_care_team_assignment (user_id, role);

CREATE TABLE enrollment_consent (
    id TEXT NOT NULL PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES enrollment_patient (id),
    disclosing_party TEXT NOT NULL,
    treatment_payment_operations INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    expires_on TEXT NULL,
    expiry_event TEXT NULL,
    signed_by TEXT NOT NULL,
    signer_relationship TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    revocation_right_acknowledged INTEGER NOT NULL,
    revoked_at TEXT NULL,
    revoked_by TEXT NULL,
    revoked_in_writing INTEGER NULL,
    revocation_received_via TEXT NULL,
    revocation_recorded_by TEXT NULL,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX ix_enrollment_consent_patient ON enrollment_consent (patient_id, id);

CREATE TABLE enrollment_consent_category (
    consent_id TEXT NOT NULL REFERENCES enrollment_consent (id),
    category TEXT NOT NULL,
    PRIMARY KEY (consent_id, category)
);

CREATE TABLE enrollment_consent_recipient (
    consent_id TEXT NOT NULL REFERENCES enrollment_consent (id),
    api_client_id TEXT NOT NULL,
    PRIMARY KEY (consent_id, api_client_id)
);

CREATE INDEX ix_enrollment_consent_recipient_client ON enrollment_consent_recipient (api_client_id);

CREATE TABLE enrollment_disclosure (
    id TEXT NOT NULL PRIMARY KEY,
    patient_id TEXT NOT NULL REFERENCES enrollment_patient (id),
    recipient_api_client_id TEXT NOT NULL,
    consent_id TEXT NOT NULL REFERENCES enrollment_consent (id),
    category TEXT NOT NULL,
    purpose TEXT NOT NULL,
    disclosed_at TEXT NOT NULL
);

CREATE INDEX ix_enrollment_disclosure_patient ON enrollment_disclosure (patient_id, disclosed_at);
