CREATE TABLE enrollment_patient (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    mrn nvarchar(64) NOT NULL,
    given_name nvarchar(100) NOT NULL,
    family_name nvarchar(100) NOT NULL,
    date_of_birth date NOT NULL,
    sex_at_birth nvarchar(16) NOT NULL,
    gender_identity nvarchar(100) NULL,
    phone nvarchar(32) NULL,
    email nvarchar(254) NULL,
    address_line1 nvarchar(200) NULL,
    address_line2 nvarchar(200) NULL,
    address_city nvarchar(100) NULL,
    address_region nvarchar(100) NULL,
    address_postal_code nvarchar(20) NULL,
    address_country nvarchar(2) NULL,
    preferred_language nvarchar(35) NULL,
    emergency_name nvarchar(200) NULL,
    emergency_relationship nvarchar(100) NULL,
    emergency_phone nvarchar(32) NULL,
    created_by nvarchar(200) NOT NULL,
    created_by_api_client_id uniqueidentifier NULL,
    version int NOT NULL,
    created_at datetimeoffset NOT NULL,
    updated_at datetimeoffset NOT NULL
);

CREATE UNIQUE INDEX ux_enrollment_patient_mrn ON enrollment_patient (mrn);
CREATE INDEX ix_enrollment_patient_dob ON enrollment_patient (date_of_birth);

CREATE TABLE enrollment_patient_identifier (
    patient_id uniqueidentifier NOT NULL REFERENCES enrollment_patient (id),
    system nvarchar(200) NOT NULL,
    value nvarchar(200) NOT NULL,
    PRIMARY KEY (system, value)
);

CREATE INDEX ix_enrollment_patient_identifier_patient ON enrollment_patient_identifier (patient_id);

CREATE TABLE enrollment_enrollment (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    patient_id uniqueidentifier NOT NULL REFERENCES enrollment_patient (id),
    program_id uniqueidentifier NOT NULL REFERENCES enrollment_program (id),
    status nvarchar(16) NOT NULL,
    referred_by_api_client_id uniqueidentifier NULL,
    referred_by_clinician nvarchar(200) NULL,
    referral_date date NOT NULL,
    detox_status nvarchar(16) NULL,
    detox_completed_on date NULL,
    recommended_by nvarchar(200) NULL,
    recommended_on date NULL,
    recommended_level_of_care nvarchar(32) NULL,
    actual_level_of_care nvarchar(32) NULL,
    level_of_care_difference_reason nvarchar(1000) NULL,
    dual_diagnosis bit NOT NULL,
    diagnosis_codes nvarchar(max) NOT NULL,
    expected_positive_analytes nvarchar(max) NOT NULL,
    age_group nvarchar(16) NULL,
    admission_date date NULL,
    discharge_date date NULL,
    discharge_reason nvarchar(32) NULL,
    discharge_note nvarchar(2000) NULL,
    clinician_override_reason nvarchar(1000) NULL,
    version int NOT NULL,
    created_at datetimeoffset NOT NULL,
    updated_at datetimeoffset NOT NULL
);

CREATE INDEX ix_enrollment_enrollment_patient ON enrollment_enrollment (patient_id, id);
CREATE INDEX ix_enrollment_enrollment_status ON enrollment_enrollment (status, id);
-- One active (or on-hold) episode per patient per program, enforced by the database.
CREATE UNIQUE INDEX ux_enrollment_enrollment_one_open ON enrollment_enrollment (patient_id, program_id) WHERE status IN ('active', 'on_hold');

CREATE TABLE enrollment_status_history (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL REFERENCES enrollment_enrollment (id),
    from_status nvarchar(16) NULL,
    to_status nvarchar(16) NOT NULL,
    changed_by nvarchar(200) NOT NULL,
    changed_by_type nvarchar(16) NOT NULL,
    changed_at datetimeoffset NOT NULL,
    reason nvarchar(1000) NULL
);

CREATE INDEX ix_enrollment_status_history_enrollment ON enrollment_status_history (enrollment_id, id);

CREATE TABLE enrollment_care_team_assignment (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    enrollment_id uniqueidentifier NOT NULL REFERENCES enrollment_enrollment (id),
    role nvarchar(32) NOT NULL,
    user_id nvarchar(200) NOT NULL,
    display_name nvarchar(200) NOT NULL,
    assigned_from datetimeoffset NOT NULL,
    assigned_to datetimeoffset NULL,
    assigned_by nvarchar(200) NOT NULL
);

CREATE INDEX ix_enrollment_care_team_enrollment ON enrollment_care_team_assignment (enrollment_id, role);
CREATE INDEX ix_enrollment_care_team_user ON enrollment_care_team_assignment (user_id, role);

CREATE TABLE enrollment_consent (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    patient_id uniqueidentifier NOT NULL REFERENCES enrollment_patient (id),
    disclosing_party nvarchar(200) NOT NULL,
    treatment_payment_operations bit NOT NULL,
    purpose nvarchar(500) NOT NULL,
    expires_on date NULL,
    expiry_event nvarchar(32) NULL,
    signed_by nvarchar(200) NOT NULL,
    signer_relationship nvarchar(32) NOT NULL,
    signed_at datetimeoffset NOT NULL,
    revocation_right_acknowledged bit NOT NULL,
    revoked_at datetimeoffset NULL,
    revoked_by nvarchar(200) NULL,
    revoked_in_writing bit NULL,
    revocation_received_via nvarchar(32) NULL,
    revocation_recorded_by nvarchar(200) NULL,
    created_by nvarchar(200) NOT NULL,
    version int NOT NULL,
    created_at datetimeoffset NOT NULL
);

CREATE INDEX ix_enrollment_consent_patient ON enrollment_consent (patient_id, id);

CREATE TABLE enrollment_consent_category (
    consent_id uniqueidentifier NOT NULL REFERENCES enrollment_consent (id),
    category nvarchar(32) NOT NULL,
    PRIMARY KEY (consent_id, category)
);

CREATE TABLE enrollment_consent_recipient (
    consent_id uniqueidentifier NOT NULL REFERENCES enrollment_consent (id),
    api_client_id uniqueidentifier NOT NULL,
    PRIMARY KEY (consent_id, api_client_id)
);

CREATE INDEX ix_enrollment_consent_recipient_client ON enrollment_consent_recipient (api_client_id);

CREATE TABLE enrollment_disclosure (
    id uniqueidentifier NOT NULL PRIMARY KEY,
    patient_id uniqueidentifier NOT NULL REFERENCES enrollment_patient (id),
    recipient_api_client_id uniqueidentifier NOT NULL,
    consent_id uniqueidentifier NOT NULL REFERENCES enrollment_consent (id),
    category nvarchar(32) NOT NULL,
    purpose nvarchar(64) NOT NULL,
    disclosed_at datetimeoffset NOT NULL
);

CREATE INDEX ix_enrollment_disclosure_patient ON enrollment_disclosure (patient_id, disclosed_at);
