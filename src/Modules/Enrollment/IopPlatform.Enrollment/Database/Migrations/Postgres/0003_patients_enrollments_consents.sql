CREATE TABLE enrollment_patient (
    id uuid NOT NULL PRIMARY KEY,
    mrn varchar(64) NOT NULL,
    given_name varchar(100) NOT NULL,
    family_name varchar(100) NOT NULL,
    date_of_birth date NOT NULL,
    sex_at_birth varchar(16) NOT NULL,
    gender_identity varchar(100) NULL,
    phone varchar(32) NULL,
    email varchar(254) NULL,
    address_line1 varchar(200) NULL,
    address_line2 varchar(200) NULL,
    address_city varchar(100) NULL,
    address_region varchar(100) NULL,
    address_postal_code varchar(20) NULL,
    address_country varchar(2) NULL,
    preferred_language varchar(35) NULL,
    emergency_name varchar(200) NULL,
    emergency_relationship varchar(100) NULL,
    emergency_phone varchar(32) NULL,
    created_by varchar(200) NOT NULL,
    created_by_api_client_id uuid NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE UNIQUE INDEX ux_enrollment_patient_mrn ON enrollment_patient (mrn);
CREATE INDEX ix_enrollment_patient_dob ON enrollment_patient (date_of_birth);

CREATE TABLE enrollment_patient_identifier (
    patient_id uuid NOT NULL REFERENCES enrollment_patient (id),
    system varchar(200) NOT NULL,
    value varchar(200) NOT NULL,
    PRIMARY KEY (system, value)
);

CREATE INDEX ix_enrollment_patient_identifier_patient ON enrollment_patient_identifier (patient_id);

CREATE TABLE enrollment_enrollment (
    id uuid NOT NULL PRIMARY KEY,
    patient_id uuid NOT NULL REFERENCES enrollment_patient (id),
    program_id uuid NOT NULL REFERENCES enrollment_program (id),
    status varchar(16) NOT NULL,
    referred_by_api_client_id uuid NULL,
    referred_by_clinician varchar(200) NULL,
    referral_date date NOT NULL,
    detox_status varchar(16) NULL,
    detox_completed_on date NULL,
    recommended_by varchar(200) NULL,
    recommended_on date NULL,
    recommended_level_of_care varchar(32) NULL,
    actual_level_of_care varchar(32) NULL,
    level_of_care_difference_reason varchar(1000) NULL,
    dual_diagnosis boolean NOT NULL,
    diagnosis_codes text NOT NULL,
    expected_positive_analytes text NOT NULL,
    age_group varchar(16) NULL,
    admission_date date NULL,
    discharge_date date NULL,
    discharge_reason varchar(32) NULL,
    discharge_note varchar(2000) NULL,
    clinician_override_reason varchar(1000) NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX ix_enrollment_enrollment_patient ON enrollment_enrollment (patient_id, id);
CREATE INDEX ix_enrollment_enrollment_status ON enrollment_enrollment (status, id);
-- One active (or on-hold) episode per patient per program, enforced by the database.
CREATE UNIQUE INDEX ux_enrollment_enrollment_one_open ON enrollment_enrollment (patient_id, program_id) WHERE status IN ('active', 'on_hold');

CREATE TABLE enrollment_status_history (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL REFERENCES enrollment_enrollment (id),
    from_status varchar(16) NULL,
    to_status varchar(16) NOT NULL,
    changed_by varchar(200) NOT NULL,
    changed_by_type varchar(16) NOT NULL,
    changed_at timestamptz NOT NULL,
    reason varchar(1000) NULL
);

CREATE INDEX ix_enrollment_status_history_enrollment ON enrollment_status_history (enrollment_id, id);

CREATE TABLE enrollment_care_team_assignment (
    id uuid NOT NULL PRIMARY KEY,
    enrollment_id uuid NOT NULL REFERENCES enrollment_enrollment (id),
    role varchar(32) NOT NULL,
    user_id varchar(200) NOT NULL,
    display_name varchar(200) NOT NULL,
    assigned_from timestamptz NOT NULL,
    assigned_to timestamptz NULL,
    assigned_by varchar(200) NOT NULL
);

CREATE INDEX ix_enrollment_care_team_enrollment ON enrollment_care_team_assignment (enrollment_id, role);
CREATE INDEX ix_enrollment_care_team_user ON enrollment_care_team_assignment (user_id, role);

CREATE TABLE enrollment_consent (
    id uuid NOT NULL PRIMARY KEY,
    patient_id uuid NOT NULL REFERENCES enrollment_patient (id),
    disclosing_party varchar(200) NOT NULL,
    treatment_payment_operations boolean NOT NULL,
    purpose varchar(500) NOT NULL,
    expires_on date NULL,
    expiry_event varchar(32) NULL,
    signed_by varchar(200) NOT NULL,
    signer_relationship varchar(32) NOT NULL,
    signed_at timestamptz NOT NULL,
    revocation_right_acknowledged boolean NOT NULL,
    revoked_at timestamptz NULL,
    revoked_by varchar(200) NULL,
    revoked_in_writing boolean NULL,
    revocation_received_via varchar(32) NULL,
    revocation_recorded_by varchar(200) NULL,
    created_by varchar(200) NOT NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX ix_enrollment_consent_patient ON enrollment_consent (patient_id, id);

CREATE TABLE enrollment_consent_category (
    consent_id uuid NOT NULL REFERENCES enrollment_consent (id),
    category varchar(32) NOT NULL,
    PRIMARY KEY (consent_id, category)
);

CREATE TABLE enrollment_consent_recipient (
    consent_id uuid NOT NULL REFERENCES enrollment_consent (id),
    api_client_id uuid NOT NULL,
    PRIMARY KEY (consent_id, api_client_id)
);

CREATE INDEX ix_enrollment_consent_recipient_client ON enrollment_consent_recipient (api_client_id);

CREATE TABLE enrollment_disclosure (
    id uuid NOT NULL PRIMARY KEY,
    patient_id uuid NOT NULL REFERENCES enrollment_patient (id),
    recipient_api_client_id uuid NOT NULL,
    consent_id uuid NOT NULL REFERENCES enrollment_consent (id),
    category varchar(32) NOT NULL,
    purpose varchar(64) NOT NULL,
    disclosed_at timestamptz NOT NULL
);

CREATE INDEX ix_enrollment_disclosure_patient ON enrollment_disclosure (patient_id, disclosed_at);
