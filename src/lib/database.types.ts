export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      activities: {
        Row: {
          actor_id: string | null
          candidate_id: string
          created_at: string
          data: Json
          enrollment_id: string | null
          id: string
          kind: string
          organization_id: string
          sequence_id: string | null
        }
        Insert: {
          actor_id?: string | null
          candidate_id: string
          created_at?: string
          data?: Json
          enrollment_id?: string | null
          id?: string
          kind: string
          organization_id: string
          sequence_id?: string | null
        }
        Update: {
          actor_id?: string | null
          candidate_id?: string
          created_at?: string
          data?: Json
          enrollment_id?: string | null
          id?: string
          kind?: string
          organization_id?: string
          sequence_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "activities_candidate_id_organization_id_fkey"
            columns: ["candidate_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id", "organization_id"]
          },
          {
            foreignKeyName: "activities_enrollment_id_fkey"
            columns: ["enrollment_id"]
            isOneToOne: false
            referencedRelation: "enrollments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "activities_sequence_id_fkey"
            columns: ["sequence_id"]
            isOneToOne: false
            referencedRelation: "sequences"
            referencedColumns: ["id"]
          },
        ]
      }
      agencies: {
        Row: {
          created_at: string
          id: string
          name: string
          organization_id: string
        }
        Insert: {
          created_at?: string
          id?: string
          name: string
          organization_id: string
        }
        Update: {
          created_at?: string
          id?: string
          name?: string
          organization_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "agencies_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      candidates: {
        Row: {
          alternate_emails: string[]
          company: string | null
          created_at: string
          created_by: string | null
          custom_fields: Json
          email: string | null
          first_name: string
          headline: string | null
          hired: boolean
          id: string
          internal: boolean
          last_name: string
          linkedin_url: string | null
          location: string | null
          organization_id: string
          reason_for_outreach: string | null
          search_text: string
          time_zone: string | null
          title: string | null
          updated_at: string
        }
        Insert: {
          alternate_emails?: string[]
          company?: string | null
          created_at?: string
          created_by?: string | null
          custom_fields?: Json
          email?: string | null
          first_name?: string
          headline?: string | null
          hired?: boolean
          id?: string
          internal?: boolean
          last_name?: string
          linkedin_url?: string | null
          location?: string | null
          organization_id: string
          reason_for_outreach?: string | null
          search_text?: never
          time_zone?: string | null
          title?: string | null
          updated_at?: string
        }
        Update: {
          alternate_emails?: string[]
          company?: string | null
          created_at?: string
          created_by?: string | null
          custom_fields?: Json
          email?: string | null
          first_name?: string
          headline?: string | null
          hired?: boolean
          id?: string
          internal?: boolean
          last_name?: string
          linkedin_url?: string | null
          location?: string | null
          organization_id?: string
          reason_for_outreach?: string | null
          search_text?: never
          time_zone?: string | null
          title?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "candidates_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      considerations: {
        Row: {
          archive_reason: string | null
          archived_at: string | null
          candidate_id: string
          created_at: string
          id: string
          job_id: string
          organization_id: string
          stage_id: string | null
          updated_at: string
        }
        Insert: {
          archive_reason?: string | null
          archived_at?: string | null
          candidate_id: string
          created_at?: string
          id?: string
          job_id: string
          organization_id: string
          stage_id?: string | null
          updated_at?: string
        }
        Update: {
          archive_reason?: string | null
          archived_at?: string | null
          candidate_id?: string
          created_at?: string
          id?: string
          job_id?: string
          organization_id?: string
          stage_id?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "considerations_candidate_id_organization_id_fkey"
            columns: ["candidate_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id", "organization_id"]
          },
          {
            foreignKeyName: "considerations_job_id_organization_id_fkey"
            columns: ["job_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id", "organization_id"]
          },
          {
            foreignKeyName: "considerations_stage_id_job_id_fkey"
            columns: ["stage_id", "job_id"]
            isOneToOne: false
            referencedRelation: "job_stages"
            referencedColumns: ["id", "job_id"]
          },
        ]
      }
      custom_fields: {
        Row: {
          created_at: string
          id: string
          key: string
          label: string
          options: string[]
          organization_id: string
          retired_at: string | null
          type: string
        }
        Insert: {
          created_at?: string
          id?: string
          key: string
          label: string
          options?: string[]
          organization_id: string
          retired_at?: string | null
          type: string
        }
        Update: {
          created_at?: string
          id?: string
          key?: string
          label?: string
          options?: string[]
          organization_id?: string
          retired_at?: string | null
          type?: string
        }
        Relationships: [
          {
            foreignKeyName: "custom_fields_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      email_events: {
        Row: {
          created_at: string
          enrollment_id: string
          enrollment_stage_id: string
          id: number
          is_machine: boolean
          kind: Database["public"]["Enums"]["email_event_kind"]
          occurred_at: string
          organization_id: string
          provider_event_id: string | null
          sequence_id: string
          url: string | null
          user_agent: string | null
        }
        Insert: {
          created_at?: string
          enrollment_id: string
          enrollment_stage_id: string
          id?: never
          is_machine?: boolean
          kind: Database["public"]["Enums"]["email_event_kind"]
          occurred_at?: string
          organization_id: string
          provider_event_id?: string | null
          sequence_id: string
          url?: string | null
          user_agent?: string | null
        }
        Update: {
          created_at?: string
          enrollment_id?: string
          enrollment_stage_id?: string
          id?: never
          is_machine?: boolean
          kind?: Database["public"]["Enums"]["email_event_kind"]
          occurred_at?: string
          organization_id?: string
          provider_event_id?: string | null
          sequence_id?: string
          url?: string | null
          user_agent?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "email_events_enrollment_stage_id_fkey"
            columns: ["enrollment_stage_id"]
            isOneToOne: false
            referencedRelation: "enrollment_stages"
            referencedColumns: ["id"]
          },
        ]
      }
      enrollment_ai_tokens: {
        Row: {
          enrollment_id: string
          error: string | null
          generated_at: string | null
          key: string
          model: string | null
          organization_id: string
          reviewed_at: string | null
          reviewed_by: string | null
          sequence_id: string
          value: string | null
        }
        Insert: {
          enrollment_id: string
          error?: string | null
          generated_at?: string | null
          key: string
          model?: string | null
          organization_id: string
          reviewed_at?: string | null
          reviewed_by?: string | null
          sequence_id: string
          value?: string | null
        }
        Update: {
          enrollment_id?: string
          error?: string | null
          generated_at?: string | null
          key?: string
          model?: string | null
          organization_id?: string
          reviewed_at?: string | null
          reviewed_by?: string | null
          sequence_id?: string
          value?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "enrollment_ai_tokens_enrollment_id_fkey"
            columns: ["enrollment_id"]
            isOneToOne: false
            referencedRelation: "enrollments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "enrollment_ai_tokens_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "enrollment_ai_tokens_sequence_id_fkey"
            columns: ["sequence_id"]
            isOneToOne: false
            referencedRelation: "sequences"
            referencedColumns: ["id"]
          },
        ]
      }
      enrollment_batches: {
        Row: {
          created_at: string
          created_by: string | null
          id: string
          organization_id: string
          sequence_id: string
        }
        Insert: {
          created_at?: string
          created_by?: string | null
          id?: string
          organization_id: string
          sequence_id: string
        }
        Update: {
          created_at?: string
          created_by?: string | null
          id?: string
          organization_id?: string
          sequence_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "enrollment_batches_sequence_id_organization_id_fkey"
            columns: ["sequence_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "sequences"
            referencedColumns: ["id", "organization_id"]
          },
        ]
      }
      enrollment_stages: {
        Row: {
          attachments: Json
          attempts: number
          body: Json
          candidate_id: string
          clicked_at: string | null
          created_at: string
          deferred_reason: string | null
          delay_days: number
          delay_hours: number
          end_reason: string | null
          enrollment_id: string
          id: string
          idempotency_key: string
          lease_until: string | null
          machine_opened_at: string | null
          message_id: string | null
          opened_at: string | null
          organization_id: string
          position: number
          provider_message_id: string | null
          replied_at: string | null
          scheduled_at: string | null
          send_key: string | null
          send_window: Json | null
          sender_user_id: string | null
          sent_at: string | null
          sequence_id: string
          status: Database["public"]["Enums"]["enrollment_stage_status"]
          subject: string
          thread_mode: Database["public"]["Enums"]["thread_mode"]
          type: Database["public"]["Enums"]["stage_type"]
          updated_at: string
        }
        Insert: {
          attachments?: Json
          attempts?: number
          body?: Json
          candidate_id: string
          clicked_at?: string | null
          created_at?: string
          deferred_reason?: string | null
          delay_days?: number
          delay_hours?: number
          end_reason?: string | null
          enrollment_id: string
          id?: string
          idempotency_key: string
          lease_until?: string | null
          machine_opened_at?: string | null
          message_id?: string | null
          opened_at?: string | null
          organization_id: string
          position: number
          provider_message_id?: string | null
          replied_at?: string | null
          scheduled_at?: string | null
          send_key?: string | null
          send_window?: Json | null
          sender_user_id?: string | null
          sent_at?: string | null
          sequence_id: string
          status?: Database["public"]["Enums"]["enrollment_stage_status"]
          subject?: string
          thread_mode?: Database["public"]["Enums"]["thread_mode"]
          type?: Database["public"]["Enums"]["stage_type"]
          updated_at?: string
        }
        Update: {
          attachments?: Json
          attempts?: number
          body?: Json
          candidate_id?: string
          clicked_at?: string | null
          created_at?: string
          deferred_reason?: string | null
          delay_days?: number
          delay_hours?: number
          end_reason?: string | null
          enrollment_id?: string
          id?: string
          idempotency_key?: string
          lease_until?: string | null
          machine_opened_at?: string | null
          message_id?: string | null
          opened_at?: string | null
          organization_id?: string
          position?: number
          provider_message_id?: string | null
          replied_at?: string | null
          scheduled_at?: string | null
          send_key?: string | null
          send_window?: Json | null
          sender_user_id?: string | null
          sent_at?: string | null
          sequence_id?: string
          status?: Database["public"]["Enums"]["enrollment_stage_status"]
          subject?: string
          thread_mode?: Database["public"]["Enums"]["thread_mode"]
          type?: Database["public"]["Enums"]["stage_type"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "enrollment_stages_enrollment_id_fkey"
            columns: ["enrollment_id"]
            isOneToOne: false
            referencedRelation: "enrollments"
            referencedColumns: ["id"]
          },
        ]
      }
      enrollments: {
        Row: {
          auto_archive_at: string | null
          batch_id: string | null
          candidate_id: string
          clicked_at: string | null
          contacted_at: string | null
          converted_at: string | null
          created_at: string
          end_reason: string | null
          ended_at: string | null
          enrolled_by: string | null
          id: string
          include_unsubscribe_link: boolean
          last_reply_hidden_at: string | null
          last_reply_hidden_reason: string | null
          linked_job_archived_at: string | null
          machine_opened_at: string | null
          opened_at: string | null
          organization_id: string
          pause_reason: string | null
          paused_at: string | null
          reply_token: string
          response_confidence: number | null
          response_provider: string | null
          response_reason: string | null
          response_set_at: string | null
          response_set_by: string | null
          response_status: Database["public"]["Enums"]["response_status"]
          resume_at: string | null
          sequence_id: string
          started_at: string | null
          status: Database["public"]["Enums"]["enrollment_status"]
          to_email: string | null
          updated_at: string
        }
        Insert: {
          auto_archive_at?: string | null
          batch_id?: string | null
          candidate_id: string
          clicked_at?: string | null
          contacted_at?: string | null
          converted_at?: string | null
          created_at?: string
          end_reason?: string | null
          ended_at?: string | null
          enrolled_by?: string | null
          id?: string
          include_unsubscribe_link?: boolean
          last_reply_hidden_at?: string | null
          last_reply_hidden_reason?: string | null
          linked_job_archived_at?: string | null
          machine_opened_at?: string | null
          opened_at?: string | null
          organization_id: string
          pause_reason?: string | null
          paused_at?: string | null
          reply_token?: string
          response_confidence?: number | null
          response_provider?: string | null
          response_reason?: string | null
          response_set_at?: string | null
          response_set_by?: string | null
          response_status?: Database["public"]["Enums"]["response_status"]
          resume_at?: string | null
          sequence_id: string
          started_at?: string | null
          status?: Database["public"]["Enums"]["enrollment_status"]
          to_email?: string | null
          updated_at?: string
        }
        Update: {
          auto_archive_at?: string | null
          batch_id?: string | null
          candidate_id?: string
          clicked_at?: string | null
          contacted_at?: string | null
          converted_at?: string | null
          created_at?: string
          end_reason?: string | null
          ended_at?: string | null
          enrolled_by?: string | null
          id?: string
          include_unsubscribe_link?: boolean
          last_reply_hidden_at?: string | null
          last_reply_hidden_reason?: string | null
          linked_job_archived_at?: string | null
          machine_opened_at?: string | null
          opened_at?: string | null
          organization_id?: string
          pause_reason?: string | null
          paused_at?: string | null
          reply_token?: string
          response_confidence?: number | null
          response_provider?: string | null
          response_reason?: string | null
          response_set_at?: string | null
          response_set_by?: string | null
          response_status?: Database["public"]["Enums"]["response_status"]
          resume_at?: string | null
          sequence_id?: string
          started_at?: string | null
          status?: Database["public"]["Enums"]["enrollment_status"]
          to_email?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "enrollments_batch_id_fkey"
            columns: ["batch_id"]
            isOneToOne: false
            referencedRelation: "enrollment_batches"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "enrollments_candidate_id_organization_id_fkey"
            columns: ["candidate_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id", "organization_id"]
          },
          {
            foreignKeyName: "enrollments_sequence_id_organization_id_fkey"
            columns: ["sequence_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "sequences"
            referencedColumns: ["id", "organization_id"]
          },
        ]
      }
      job_members: {
        Row: {
          created_at: string
          job_id: string
          organization_id: string
          role: Database["public"]["Enums"]["job_role"]
          user_id: string
        }
        Insert: {
          created_at?: string
          job_id: string
          organization_id: string
          role: Database["public"]["Enums"]["job_role"]
          user_id: string
        }
        Update: {
          created_at?: string
          job_id?: string
          organization_id?: string
          role?: Database["public"]["Enums"]["job_role"]
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "job_members_job_id_organization_id_fkey"
            columns: ["job_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id", "organization_id"]
          },
          {
            foreignKeyName: "job_members_user_id_organization_id_fkey"
            columns: ["user_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "members"
            referencedColumns: ["user_id", "organization_id"]
          },
        ]
      }
      job_stages: {
        Row: {
          created_at: string
          id: string
          job_id: string
          kind: Database["public"]["Enums"]["job_stage_kind"]
          name: string
          organization_id: string
          position: number
        }
        Insert: {
          created_at?: string
          id?: string
          job_id: string
          kind?: Database["public"]["Enums"]["job_stage_kind"]
          name: string
          organization_id: string
          position: number
        }
        Update: {
          created_at?: string
          id?: string
          job_id?: string
          kind?: Database["public"]["Enums"]["job_stage_kind"]
          name?: string
          organization_id?: string
          position?: number
        }
        Relationships: [
          {
            foreignKeyName: "job_stages_job_id_organization_id_fkey"
            columns: ["job_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id", "organization_id"]
          },
        ]
      }
      jobs: {
        Row: {
          confidential: boolean
          created_at: string
          id: string
          organization_id: string
          title: string
          updated_at: string
        }
        Insert: {
          confidential?: boolean
          created_at?: string
          id?: string
          organization_id: string
          title: string
          updated_at?: string
        }
        Update: {
          confidential?: boolean
          created_at?: string
          id?: string
          organization_id?: string
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "jobs_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      member_invitations: {
        Row: {
          accepted_at: string | null
          accepted_user_id: string | null
          access_level: Database["public"]["Enums"]["access_level"]
          agency_id: string | null
          created_at: string
          email: string
          id: string
          invited_by: string
          organization_id: string
        }
        Insert: {
          accepted_at?: string | null
          accepted_user_id?: string | null
          access_level?: Database["public"]["Enums"]["access_level"]
          agency_id?: string | null
          created_at?: string
          email: string
          id?: string
          invited_by?: string
          organization_id: string
        }
        Update: {
          accepted_at?: string | null
          accepted_user_id?: string | null
          access_level?: Database["public"]["Enums"]["access_level"]
          agency_id?: string | null
          created_at?: string
          email?: string
          id?: string
          invited_by?: string
          organization_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "member_invitations_agency_id_organization_id_fkey"
            columns: ["agency_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "agencies"
            referencedColumns: ["id", "organization_id"]
          },
          {
            foreignKeyName: "member_invitations_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      members: {
        Row: {
          access_level: Database["public"]["Enums"]["access_level"]
          agency_id: string | null
          classification_preference: Database["public"]["Enums"]["classification_preference"]
          created_at: string
          daily_send_cap: number | null
          deactivated_at: string | null
          display_name: string
          organization_id: string
          sender_email: string | null
          sender_name: string | null
          sender_title: string | null
          signature: string | null
          signature_doc: Json | null
          time_zone: string | null
          tracking_enabled: boolean
          updated_at: string
          user_id: string
        }
        Insert: {
          access_level?: Database["public"]["Enums"]["access_level"]
          agency_id?: string | null
          classification_preference?: Database["public"]["Enums"]["classification_preference"]
          created_at?: string
          daily_send_cap?: number | null
          deactivated_at?: string | null
          display_name?: string
          organization_id: string
          sender_email?: string | null
          sender_name?: string | null
          sender_title?: string | null
          signature?: string | null
          signature_doc?: Json | null
          time_zone?: string | null
          tracking_enabled?: boolean
          updated_at?: string
          user_id: string
        }
        Update: {
          access_level?: Database["public"]["Enums"]["access_level"]
          agency_id?: string | null
          classification_preference?: Database["public"]["Enums"]["classification_preference"]
          created_at?: string
          daily_send_cap?: number | null
          deactivated_at?: string | null
          display_name?: string
          organization_id?: string
          sender_email?: string | null
          sender_name?: string | null
          sender_title?: string | null
          signature?: string | null
          signature_doc?: Json | null
          time_zone?: string | null
          tracking_enabled?: boolean
          updated_at?: string
          user_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "members_agency_id_organization_id_fkey"
            columns: ["agency_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "agencies"
            referencedColumns: ["id", "organization_id"]
          },
          {
            foreignKeyName: "members_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      organizations: {
        Row: {
          ai_tokens_enabled: boolean
          created_at: string
          daily_send_cap: number
          default_include_unsubscribe_link: boolean
          default_send_window: Json | null
          exclude_confidential_job_candidate_emails: boolean
          exclude_hired_candidate_emails: boolean
          exclude_internal_candidate_emails: boolean
          id: string
          name: string
          outreach_frequency_days: number
          plan: Database["public"]["Enums"]["organization_plan"]
          reply_classification_enabled: boolean
          time_zone: string
          updated_at: string
        }
        Insert: {
          ai_tokens_enabled?: boolean
          created_at?: string
          daily_send_cap?: number
          default_include_unsubscribe_link?: boolean
          default_send_window?: Json | null
          exclude_confidential_job_candidate_emails?: boolean
          exclude_hired_candidate_emails?: boolean
          exclude_internal_candidate_emails?: boolean
          id?: string
          name: string
          outreach_frequency_days?: number
          plan?: Database["public"]["Enums"]["organization_plan"]
          reply_classification_enabled?: boolean
          time_zone?: string
          updated_at?: string
        }
        Update: {
          ai_tokens_enabled?: boolean
          created_at?: string
          daily_send_cap?: number
          default_include_unsubscribe_link?: boolean
          default_send_window?: Json | null
          exclude_confidential_job_candidate_emails?: boolean
          exclude_hired_candidate_emails?: boolean
          exclude_internal_candidate_emails?: boolean
          id?: string
          name?: string
          outreach_frequency_days?: number
          plan?: Database["public"]["Enums"]["organization_plan"]
          reply_classification_enabled?: boolean
          time_zone?: string
          updated_at?: string
        }
        Relationships: []
      }
      replies: {
        Row: {
          body_display: string | null
          body_text: string
          candidate_id: string
          classification:
            Database["public"]["Enums"]["reply_classification"] | null
          classification_confidence: number | null
          classification_provider: string | null
          classification_reason: string | null
          created_at: string
          enrollment_id: string | null
          enrollment_stage_id: string | null
          from_email: string
          id: string
          matched_by: Database["public"]["Enums"]["reply_match"]
          message_id: string | null
          organization_id: string
          provider_email_id: string | null
          received_at: string
          return_date: string | null
          sequence_id: string | null
          subject: string
        }
        Insert: {
          body_display?: string | null
          body_text?: string
          candidate_id: string
          classification?:
            Database["public"]["Enums"]["reply_classification"] | null
          classification_confidence?: number | null
          classification_provider?: string | null
          classification_reason?: string | null
          created_at?: string
          enrollment_id?: string | null
          enrollment_stage_id?: string | null
          from_email: string
          id?: string
          matched_by: Database["public"]["Enums"]["reply_match"]
          message_id?: string | null
          organization_id: string
          provider_email_id?: string | null
          received_at?: string
          return_date?: string | null
          sequence_id?: string | null
          subject?: string
        }
        Update: {
          body_display?: string | null
          body_text?: string
          candidate_id?: string
          classification?:
            Database["public"]["Enums"]["reply_classification"] | null
          classification_confidence?: number | null
          classification_provider?: string | null
          classification_reason?: string | null
          created_at?: string
          enrollment_id?: string | null
          enrollment_stage_id?: string | null
          from_email?: string
          id?: string
          matched_by?: Database["public"]["Enums"]["reply_match"]
          message_id?: string | null
          organization_id?: string
          provider_email_id?: string | null
          received_at?: string
          return_date?: string | null
          sequence_id?: string | null
          subject?: string
        }
        Relationships: [
          {
            foreignKeyName: "replies_candidate_id_organization_id_fkey"
            columns: ["candidate_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id", "organization_id"]
          },
          {
            foreignKeyName: "replies_enrollment_id_fkey"
            columns: ["enrollment_id"]
            isOneToOne: false
            referencedRelation: "enrollments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "replies_enrollment_stage_id_fkey"
            columns: ["enrollment_stage_id"]
            isOneToOne: false
            referencedRelation: "enrollment_stages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "replies_sequence_id_fkey"
            columns: ["sequence_id"]
            isOneToOne: false
            referencedRelation: "sequences"
            referencedColumns: ["id"]
          },
        ]
      }
      sending_domains: {
        Row: {
          checked_at: string | null
          created_at: string
          created_by: string | null
          domain: string
          id: string
          last_error: string | null
          organization_id: string
          provider_domain_id: string | null
          records: Json
          status: string
          updated_at: string
          verified_at: string | null
        }
        Insert: {
          checked_at?: string | null
          created_at?: string
          created_by?: string | null
          domain: string
          id?: string
          last_error?: string | null
          organization_id: string
          provider_domain_id?: string | null
          records?: Json
          status?: string
          updated_at?: string
          verified_at?: string | null
        }
        Update: {
          checked_at?: string | null
          created_at?: string
          created_by?: string | null
          domain?: string
          id?: string
          last_error?: string | null
          organization_id?: string
          provider_domain_id?: string | null
          records?: Json
          status?: string
          updated_at?: string
          verified_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "sending_domains_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      sequence_doc_snapshots: {
        Row: {
          last_update_id: number
          materialised_at: string | null
          sequence_id: string
          state: string
          updated_at: string
          version: number
        }
        Insert: {
          last_update_id?: number
          materialised_at?: string | null
          sequence_id: string
          state: string
          updated_at?: string
          version?: number
        }
        Update: {
          last_update_id?: number
          materialised_at?: string | null
          sequence_id?: string
          state?: string
          updated_at?: string
          version?: number
        }
        Relationships: [
          {
            foreignKeyName: "sequence_doc_snapshots_sequence_id_fkey"
            columns: ["sequence_id"]
            isOneToOne: true
            referencedRelation: "sequences"
            referencedColumns: ["id"]
          },
        ]
      }
      sequence_doc_updates: {
        Row: {
          created_at: string
          created_by: string | null
          id: number
          sequence_id: string
          update: string
        }
        Insert: {
          created_at?: string
          created_by?: string | null
          id?: never
          sequence_id: string
          update: string
        }
        Update: {
          created_at?: string
          created_by?: string | null
          id?: never
          sequence_id?: string
          update?: string
        }
        Relationships: [
          {
            foreignKeyName: "sequence_doc_updates_sequence_id_fkey"
            columns: ["sequence_id"]
            isOneToOne: false
            referencedRelation: "sequences"
            referencedColumns: ["id"]
          },
        ]
      }
      sequence_link_grants: {
        Row: { granted_at: string; sequence_id: string; user_id: string }
        Insert: { granted_at?: string; sequence_id: string; user_id: string }
        Update: { granted_at?: string; sequence_id?: string; user_id?: string }
        Relationships: [
          {
            foreignKeyName: "sequence_link_grants_sequence_id_fkey"
            columns: ["sequence_id"]
            isOneToOne: false
            referencedRelation: "sequences"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "sequence_link_grants_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "members"
            referencedColumns: ["user_id"]
          },
        ]
      }
      sequence_stages: {
        Row: {
          attachments: Json
          body: Json
          created_at: string
          delay_days: number
          delay_hours: number
          id: string
          position: number
          send_window: Json | null
          sender_user_id: string | null
          sequence_id: string
          subject: string
          thread_mode: Database["public"]["Enums"]["thread_mode"]
          type: Database["public"]["Enums"]["stage_type"]
          updated_at: string
        }
        Insert: {
          attachments?: Json
          body?: Json
          created_at?: string
          delay_days?: number
          delay_hours?: number
          id?: string
          position: number
          send_window?: Json | null
          sender_user_id?: string | null
          sequence_id: string
          subject?: string
          thread_mode?: Database["public"]["Enums"]["thread_mode"]
          type?: Database["public"]["Enums"]["stage_type"]
          updated_at?: string
        }
        Update: {
          attachments?: Json
          body?: Json
          created_at?: string
          delay_days?: number
          delay_hours?: number
          id?: string
          position?: number
          send_window?: Json | null
          sender_user_id?: string | null
          sequence_id?: string
          subject?: string
          thread_mode?: Database["public"]["Enums"]["thread_mode"]
          type?: Database["public"]["Enums"]["stage_type"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "sequence_stages_sequence_id_fkey"
            columns: ["sequence_id"]
            isOneToOne: false
            referencedRelation: "sequences"
            referencedColumns: ["id"]
          },
        ]
      }
      sequences: {
        Row: {
          access: Database["public"]["Enums"]["sequence_access"]
          archived_at: string | null
          auto_archive_after_days: number | null
          channel_key: string
          created_at: string
          direct_link_secret: string
          id: string
          include_unsubscribe_link: boolean
          job_id: string | null
          organization_id: string
          owner_id: string
          title: string
          updated_at: string
        }
        Insert: {
          access?: Database["public"]["Enums"]["sequence_access"]
          archived_at?: string | null
          auto_archive_after_days?: number | null
          channel_key?: string
          created_at?: string
          direct_link_secret?: string
          id?: string
          include_unsubscribe_link?: boolean
          job_id?: string | null
          organization_id: string
          owner_id?: string
          title: string
          updated_at?: string
        }
        Update: {
          access?: Database["public"]["Enums"]["sequence_access"]
          archived_at?: string | null
          auto_archive_after_days?: number | null
          channel_key?: string
          created_at?: string
          direct_link_secret?: string
          id?: string
          include_unsubscribe_link?: boolean
          job_id?: string | null
          organization_id?: string
          owner_id?: string
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "sequences_job_id_organization_id_fkey"
            columns: ["job_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "jobs"
            referencedColumns: ["id", "organization_id"]
          },
          {
            foreignKeyName: "sequences_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "sequences_owner_id_organization_id_fkey"
            columns: ["owner_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "members"
            referencedColumns: ["user_id", "organization_id"]
          },
        ]
      }
      subscriptions: {
        Row: {
          candidate_id: string
          current_outreach: boolean
          new_roles: boolean
          organization_id: string
          suppressed_at: string | null
          suppressed_email: string | null
          suppressed_reason:
            Database["public"]["Enums"]["suppression_reason"] | null
          updated_at: string
          updated_by: string | null
        }
        Insert: {
          candidate_id: string
          current_outreach?: boolean
          new_roles?: boolean
          organization_id: string
          suppressed_at?: string | null
          suppressed_email?: string | null
          suppressed_reason?:
            Database["public"]["Enums"]["suppression_reason"] | null
          updated_at?: string
          updated_by?: string | null
        }
        Update: {
          candidate_id?: string
          current_outreach?: boolean
          new_roles?: boolean
          organization_id?: string
          suppressed_at?: string | null
          suppressed_email?: string | null
          suppressed_reason?:
            Database["public"]["Enums"]["suppression_reason"] | null
          updated_at?: string
          updated_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "subscriptions_candidate_id_organization_id_fkey"
            columns: ["candidate_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id", "organization_id"]
          },
        ]
      }
      tasks: {
        Row: {
          assignee_id: string | null
          candidate_id: string
          completed_at: string | null
          created_at: string
          due_at: string
          enrollment_stage_id: string
          id: string
          organization_id: string
          sequence_id: string
          status: Database["public"]["Enums"]["task_status"]
          updated_at: string
        }
        Insert: {
          assignee_id?: string | null
          candidate_id: string
          completed_at?: string | null
          created_at?: string
          due_at?: string
          enrollment_stage_id: string
          id?: string
          organization_id: string
          sequence_id: string
          status?: Database["public"]["Enums"]["task_status"]
          updated_at?: string
        }
        Update: {
          assignee_id?: string | null
          candidate_id?: string
          completed_at?: string | null
          created_at?: string
          due_at?: string
          enrollment_stage_id?: string
          id?: string
          organization_id?: string
          sequence_id?: string
          status?: Database["public"]["Enums"]["task_status"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "tasks_candidate_id_organization_id_fkey"
            columns: ["candidate_id", "organization_id"]
            isOneToOne: false
            referencedRelation: "candidates"
            referencedColumns: ["id", "organization_id"]
          },
          {
            foreignKeyName: "tasks_enrollment_stage_id_fkey"
            columns: ["enrollment_stage_id"]
            isOneToOne: true
            referencedRelation: "enrollment_stages"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tasks_sequence_id_fkey"
            columns: ["sequence_id"]
            isOneToOne: false
            referencedRelation: "sequences"
            referencedColumns: ["id"]
          },
        ]
      }
      unmatched_replies: {
        Row: {
          body_text: string | null
          enrollment_id: string | null
          from_email: string | null
          headers: Json
          id: string
          message_id: string | null
          organization_id: string | null
          provider_email_id: string | null
          received_at: string
          review_reason: string | null
          subject: string | null
          to_email: string | null
        }
        Insert: {
          body_text?: string | null
          enrollment_id?: string | null
          from_email?: string | null
          headers?: Json
          id?: string
          message_id?: string | null
          organization_id?: string | null
          provider_email_id?: string | null
          received_at?: string
          review_reason?: string | null
          subject?: string | null
          to_email?: string | null
        }
        Update: {
          body_text?: string | null
          enrollment_id?: string | null
          from_email?: string | null
          headers?: Json
          id?: string
          message_id?: string | null
          organization_id?: string | null
          provider_email_id?: string | null
          received_at?: string
          review_reason?: string | null
          subject?: string | null
          to_email?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "unmatched_replies_enrollment_id_fkey"
            columns: ["enrollment_id"]
            isOneToOne: false
            referencedRelation: "enrollments"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "unmatched_replies_organization_id_fkey"
            columns: ["organization_id"]
            isOneToOne: false
            referencedRelation: "organizations"
            referencedColumns: ["id"]
          },
        ]
      }
      webhook_receipts: {
        Row: { delivery_id: string; received_at: string; source: string }
        Insert: { delivery_id: string; received_at?: string; source?: string }
        Update: { delivery_id?: string; received_at?: string; source?: string }
        Relationships: []
      }
    }
    Views: { [_ in never]: never }
    Functions: {
      accept_invitation: { Args: Record<PropertyKey, never>; Returns: boolean }
      ai_token_targets: {
        Args: { enrollment_ids: string[] }
        Returns: {
          enrollment_id: string
          organization_id: string
          sequence_id: string
          keys: string[]
          ai_enabled: boolean
          first_name: string
          last_name: string
          title: string
          company: string
          location: string
          job_title: string
          reason_for_outreach: string
        }[]
      }
      ai_token_values: {
        Args: { p_enrollment_ids: string[] }
        Returns: { enrollment_id: string; key: string; value: string }[]
      }
      apply_edits_to_batch: {
        Args: { enrollment_ids: string[]; edits: Json }
        Returns: {
          enrollment_id: string
          ok: boolean
          reason: string
          detail: string
        }[]
      }
      apply_reply_classification: {
        Args: {
          reply_id: string
          label: string
          confidence: number
          provider: string
          reason?: string
        }
        Returns: boolean
      }
      apply_template_to_running: {
        Args: { sequence_id: string }
        Returns: {
          enrollment_id: string
          ok: boolean
          reason: string
          detail: string
        }[]
      }
      attachments_to_purge: {
        Args: { p_after?: string; p_limit?: number }
        Returns: string[]
      }
      cancel_enrollments: {
        Args: { enrollment_ids: string[] }
        Returns: {
          enrollment_id: string
          ok: boolean
          reason: string
          detail: string
        }[]
      }
      candidates_by_email: {
        Args: { p_emails: string[] }
        Returns: {
          alternate_emails: string[]
          company: string | null
          created_at: string
          created_by: string | null
          custom_fields: Json
          email: string | null
          first_name: string
          headline: string | null
          hired: boolean
          id: string
          internal: boolean
          last_name: string
          linkedin_url: string | null
          location: string | null
          organization_id: string
          reason_for_outreach: string | null
          search_text: string
          time_zone: string | null
          title: string | null
          updated_at: string
        }[]
      }
      claim_due_stages: {
        Args: { p_limit?: number; p_lease_seconds?: number }
        Returns: {
          stage_id: string
          enrollment_id: string
          sequence_id: string
          organization_id: string
          candidate_id: string
          position: number
          subject: string
          body: Json
          thread_mode: Database["public"]["Enums"]["thread_mode"]
          send_window: Json
          scheduled_at: string
          idempotency_key: string
          send_key: string
          attempts: number
          to_email: string
          reply_token: string
          include_unsubscribe_link: boolean
          candidate: Json
          sender: Json
          job_title: string
          org_time_zone: string
          sequence_title: string
          thread_subject: string
          in_reply_to: string
          references: string[]
          batch_id: string
        }[]
      }
      complete_task: {
        Args: { task_id: string; outcome: string }
        Returns: Database["public"]["Enums"]["task_status"]
      }
      count_candidates: {
        Args: {
          p_query?: string
          p_job_id?: string
          p_in_sequence?: boolean
          p_unsubscribed?: boolean
        }
        Returns: number
      }
      enroll_candidate: {
        Args: {
          sequence_id: string
          candidate_id: string
          to_email?: string
          include_unsubscribe_link?: boolean
        }
        Returns: {
          candidate_id: string
          enrollment_id: string
          ok: boolean
          reason: string
          detail: string
        }[]
      }
      enroll_candidates: {
        Args: {
          sequence_id: string
          candidate_ids: string[]
          start?: boolean
          include_unsubscribe_link?: boolean
          batch_id?: string
        }
        Returns: {
          candidate_id: string
          enrollment_id: string
          ok: boolean
          reason: string
          detail: string
        }[]
      }
      filter_candidates: {
        Args: {
          p_query?: string
          p_job_id?: string
          p_in_sequence?: boolean
          p_unsubscribed?: boolean
        }
        Returns: {
          alternate_emails: string[]
          company: string | null
          created_at: string
          created_by: string | null
          custom_fields: Json
          email: string | null
          first_name: string
          headline: string | null
          hired: boolean
          id: string
          internal: boolean
          last_name: string
          linkedin_url: string | null
          location: string | null
          organization_id: string
          reason_for_outreach: string | null
          search_text: string
          time_zone: string | null
          title: string | null
          updated_at: string
        }[]
      }
      home_activity: {
        Args: { scope?: string; weeks?: number }
        Returns: {
          week_start: string
          sent: number
          replied: number
          converted: number
        }[]
      }
      home_activity_candidates: {
        Args: { week_start: string; scope?: string; metric?: string }
        Returns: {
          enrollment_id: string
          sequence_id: string
          sequence_title: string
          candidate_id: string
          candidate_name: string
          started_at: string
          replied: boolean
          converted: boolean
        }[]
      }
      ingest_resend_event: {
        Args: { delivery_id: string; event: Json; derived?: Json }
        Returns: Json
      }
      job_role_rank: {
        Args: { role: Database["public"]["Enums"]["job_role"] }
        Returns: number
      }
      list_candidates: {
        Args: {
          p_query?: string
          p_job_id?: string
          p_in_sequence?: boolean
          p_unsubscribed?: boolean
          p_offset?: number
          p_limit?: number
        }
        Returns: {
          id: string
          first_name: string
          last_name: string
          email: string
          title: string
          company: string
          location: string
          jobs: string[]
        }[]
      }
      load_sequence_doc: { Args: { sequence_id: string }; Returns: Json }
      mark_stages_sending: {
        Args: { stage_ids: string[]; send_key: string; replace_key?: string }
        Returns: string[]
      }
      materialise_sequence_doc: {
        Args: {
          p_sequence_id: string
          p_base_version: number
          p_folded: number[]
          p_state: string
          p_title: string
          p_stages: Json
        }
        Returns: Json
      }
      pause_enrollments: {
        Args: { enrollment_ids: string[] }
        Returns: {
          enrollment_id: string
          ok: boolean
          reason: string
          detail: string
        }[]
      }
      record_link_event: {
        Args: {
          stage_id: string
          kind: string
          url?: string
          user_agent?: string
          ua_machine?: boolean
          machine_window_seconds?: number
        }
        Returns: boolean
      }
      record_stage_failed: {
        Args: { stage_id: string; reason: string; retry_at?: string }
        Returns: boolean
      }
      record_stage_sent: {
        Args: {
          stage_id: string
          provider_message_id: string
          message_id: string
        }
        Returns: boolean
      }
      record_stages_failed: {
        Args: {
          stage_ids: string[]
          reason: string
          retry_at?: string
          outcome_unknown?: boolean
        }
        Returns: number
      }
      record_stages_sent: { Args: { results: Json }; Returns: number }
      redeem_sequence_link: {
        Args: { sequence_id: string; secret: string }
        Returns: boolean
      }
      reschedule_stage: {
        Args: { stage_id: string; at: string; reason: string }
        Returns: boolean
      }
      reschedule_stages: {
        Args: { stage_ids: string[]; at: string; reason: string }
        Returns: number
      }
      resume_due_ooo: { Args: Record<PropertyKey, never>; Returns: number }
      resume_enrollments: {
        Args: { enrollment_ids: string[] }
        Returns: {
          enrollment_id: string
          ok: boolean
          reason: string
          detail: string
        }[]
      }
      retire_custom_field: { Args: { field_id: string }; Returns: undefined }
      review_ai_token: {
        Args: { enrollment_id: string; key: string; value: string }
        Returns: {
          enrollment_id: string
          error: string | null
          generated_at: string | null
          key: string
          model: string | null
          organization_id: string
          reviewed_at: string | null
          reviewed_by: string | null
          sequence_id: string
          value: string | null
        }
      }
      save_subscription_choice: {
        Args: {
          stage_id: string
          current_outreach: boolean
          new_roles: boolean
          source: string
        }
        Returns: Json
      }
      search_candidates: {
        Args: { p_query: string }
        Returns: {
          alternate_emails: string[]
          company: string | null
          created_at: string
          created_by: string | null
          custom_fields: Json
          email: string | null
          first_name: string
          headline: string | null
          hired: boolean
          id: string
          internal: boolean
          last_name: string
          linkedin_url: string | null
          location: string | null
          organization_id: string
          reason_for_outreach: string | null
          search_text: string
          time_zone: string | null
          title: string | null
          updated_at: string
        }[]
      }
      sender_signature_docs: {
        Args: { p_user_ids: string[] }
        Returns: { user_id: string; signature_doc: Json }[]
      }
      sequence_board: {
        Args: { sequence_id: string; page?: number }
        Returns: {
          id: string
          batch_id: string
          status: Database["public"]["Enums"]["enrollment_status"]
          response_status: Database["public"]["Enums"]["response_status"]
          pipeline: string
          interested: boolean
          converted: boolean
          end_reason: string
          hidden_reply_reason: string
          response_provider: string
          response_confidence: number
          response_set_by: string
          started_at: string
          candidate_id: string
          candidate_name: string
          candidate_email: string
          stages: Json
          total: number
        }[]
      }
      sequence_board_rows: {
        Args: {
          sequence_id: string
          enrollment_ids?: string[]
          row_offset?: number
          row_limit?: number
        }
        Returns: {
          id: string
          batch_id: string
          status: Database["public"]["Enums"]["enrollment_status"]
          response_status: Database["public"]["Enums"]["response_status"]
          pipeline: string
          interested: boolean
          converted: boolean
          end_reason: string
          hidden_reply_reason: string
          response_provider: string
          response_confidence: number
          response_set_by: string
          started_at: string
          created_at: string
          candidate_id: string
          candidate_name: string
          candidate_email: string
          stages: Json
        }[]
      }
      sequence_metrics: {
        Args: { sequence_id: string }
        Returns: {
          enrolled: number
          in_progress: number
          completed: number
          replied: number
          interested: number
          converted: number
          stopped: number
          drafts: number
          contacted: number
          opened: number
          machine_opened: number
          clicked: number
          tracking_partial: boolean
        }[]
      }
      sequence_stage_metrics: {
        Args: { sequence_id: string }
        Returns: {
          position: number
          sent: number
          opened: number
          machine_opened: number
          clicked: number
          replied: number
          tracking_partial: boolean
        }[]
      }
      sequences_with_errors: {
        Args: Record<PropertyKey, never>
        Returns: {
          sequence_id: string
          title: string
          failed: number
          last_reason: string
          last_failed_at: string
        }[]
      }
      set_candidate_subscription: {
        Args: {
          p_candidate_id: string
          p_current_outreach: boolean
          p_new_roles: boolean
        }
        Returns: Json
      }
      set_enrollment_address: {
        Args: { enrollment_id: string; to_email: string }
        Returns: {
          enrollment_id: string
          ok: boolean
          reason: string
          detail: string
        }[]
      }
      set_response_status: {
        Args: { enrollment_id: string; status: string; reason?: string }
        Returns: Database["public"]["Enums"]["response_status"]
      }
      stage_attachments: {
        Args: { p_stage_ids: string[] }
        Returns: { stage_id: string; sequence_id: string; attachments: Json }[]
      }
      stale_sequence_docs: {
        Args: { p_older_than_seconds?: number; p_limit?: number }
        Returns: string[]
      }
      start_enrollments: {
        Args: { enrollment_ids: string[] }
        Returns: {
          enrollment_id: string
          ok: boolean
          reason: string
          detail: string
        }[]
      }
      sweep_sending: { Args: Record<PropertyKey, never>; Returns: Json }
      unsubscribe_state: { Args: { stage_id: string }; Returns: Json }
      update_enrollment_draft: {
        Args: { enrollment_id: string; stages: Json }
        Returns: {
          enrollment_id: string
          ok: boolean
          reason: string
          detail: string
        }[]
      }
      verified_sender_domains: {
        Args: { p_org_ids: string[] }
        Returns: { organization_id: string; domain: string }[]
      }
    }
    Enums: {
      access_level: "limited" | "elevated" | "admin" | "organization_admin"
      classification_preference: "on" | "off" | "organization_default"
      email_event_kind:
        | "delivered"
        | "opened"
        | "clicked"
        | "bounced"
        | "complained"
        | "replied"
        | "delivery_delayed"
      enrollment_stage_status:
        | "scheduled"
        | "claimed"
        | "sent"
        | "skipped"
        | "failed"
        | "cancelled"
        | "task_open"
        | "task_done"
      enrollment_status:
        "draft" | "running" | "paused" | "completed" | "cancelled"
      job_role:
        | "external_recruiter"
        | "analyst"
        | "hiring_team_member"
        | "hiring_manager"
        | "admin"
        | "admin_private"
      job_stage_kind:
        | "lead"
        | "reached_out"
        | "replied"
        | "interviewing"
        | "offer"
        | "hired"
        | "custom"
      organization_plan:
        "free" | "legacy" | "legacy_plus" | "plus" | "enterprise"
      reply_classification:
        "interested" | "not_interested" | "out_of_office" | "other"
      reply_match: "reply_to_token" | "in_reply_to" | "references" | "manual"
      response_status:
        "none" | "replied" | "interested" | "not_interested" | "out_of_office"
      sequence_access: "shared" | "personal" | "confidential"
      stage_type: "email" | "linkedin_inmail" | "linkedin_connection"
      suppression_reason: "bounced" | "complained"
      task_status: "open" | "done" | "skipped"
      thread_mode: "reply" | "new_thread"
    }
    CompositeTypes: { [_ in never]: never }
  }
}

type DefaultSchema = Database[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof Database },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof (Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        Database[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof Database }
  ? (Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      Database[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    keyof DefaultSchema["Tables"] | { schema: keyof Database },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof Database }
  ? Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    keyof DefaultSchema["Tables"] | { schema: keyof Database },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends { schema: keyof Database }
  ? Database[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    keyof DefaultSchema["Enums"] | { schema: keyof Database },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof Database }
  ? Database[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    keyof DefaultSchema["CompositeTypes"] | { schema: keyof Database },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof Database
  }
    ? keyof Database[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends { schema: keyof Database }
  ? Database[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {
      access_level: ["limited", "elevated", "admin", "organization_admin"],
      classification_preference: ["on", "off", "organization_default"],
      email_event_kind: [
        "delivered",
        "opened",
        "clicked",
        "bounced",
        "complained",
        "replied",
        "delivery_delayed",
      ],
      enrollment_stage_status: [
        "scheduled",
        "claimed",
        "sent",
        "skipped",
        "failed",
        "cancelled",
        "task_open",
        "task_done",
      ],
      enrollment_status: [
        "draft",
        "running",
        "paused",
        "completed",
        "cancelled",
      ],
      job_role: [
        "external_recruiter",
        "analyst",
        "hiring_team_member",
        "hiring_manager",
        "admin",
        "admin_private",
      ],
      job_stage_kind: [
        "lead",
        "reached_out",
        "replied",
        "interviewing",
        "offer",
        "hired",
        "custom",
      ],
      organization_plan: [
        "free",
        "legacy",
        "legacy_plus",
        "plus",
        "enterprise",
      ],
      reply_classification: [
        "interested",
        "not_interested",
        "out_of_office",
        "other",
      ],
      reply_match: ["reply_to_token", "in_reply_to", "references", "manual"],
      response_status: [
        "none",
        "replied",
        "interested",
        "not_interested",
        "out_of_office",
      ],
      sequence_access: ["shared", "personal", "confidential"],
      stage_type: ["email", "linkedin_inmail", "linkedin_connection"],
      suppression_reason: ["bounced", "complained"],
      task_status: ["open", "done", "skipped"],
      thread_mode: ["reply", "new_thread"],
    },
  },
} as const
