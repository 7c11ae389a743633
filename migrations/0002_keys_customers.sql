-- 0002_keys_customers: envelope encryption of personal data. master_key_versions records each
-- master key version with its key check value (never the key), so a start with the wrong key is
-- refused; data_keys holds one data key per subject, wrapped by a master key version, and
-- destroying one crypto-shreds that subject's data. customers stores every personal field sealed
-- under the customer's data key and finds people through keyed blind indexes only.
CREATE TABLE "master_key_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"kcv" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "master_key_versions_version_check" CHECK ("master_key_versions"."version" > 0)
);
--> statement-breakpoint
CREATE TABLE "data_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"subject" text NOT NULL,
	"wrapped_key" text,
	"kek_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"destroyed_at" timestamp with time zone,
	CONSTRAINT "data_keys_destroyed_check" CHECK (("data_keys"."destroyed_at" is null) = ("data_keys"."wrapped_key" is not null))
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"data_key_id" uuid NOT NULL,
	"name_sealed" jsonb NOT NULL,
	"doc_type_sealed" jsonb NOT NULL,
	"doc_number_sealed" jsonb NOT NULL,
	"email_sealed" jsonb,
	"phone_sealed" jsonb,
	"address_sealed" jsonb,
	"doc_index" text NOT NULL,
	"email_index" text,
	"marketing_consent" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"erased_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "data_keys" ADD CONSTRAINT "data_keys_kek_version_master_key_versions_version_fk" FOREIGN KEY ("kek_version") REFERENCES "public"."master_key_versions"("version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_data_key_id_data_keys_id_fk" FOREIGN KEY ("data_key_id") REFERENCES "public"."data_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "master_key_versions_kcv_key" ON "master_key_versions" USING btree ("kcv");--> statement-breakpoint
CREATE UNIQUE INDEX "data_keys_subject_live_key" ON "data_keys" USING btree ("subject") WHERE "data_keys"."destroyed_at" is null;--> statement-breakpoint
CREATE INDEX "data_keys_kek_version_idx" ON "data_keys" USING btree ("kek_version");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_doc_index_live_key" ON "customers" USING btree ("doc_index") WHERE "customers"."erased_at" is null;--> statement-breakpoint
CREATE INDEX "customers_email_index_idx" ON "customers" USING btree ("email_index");
